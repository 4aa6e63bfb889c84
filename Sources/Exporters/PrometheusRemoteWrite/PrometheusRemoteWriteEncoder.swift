import SwiftProtobuf
import Telemetry

/// Prometheus remote_write 1.0 bodies: all metric batches of one delivery as one
/// `WriteRequest`, protobuf, snappy block compressed (the spec requires it, so the encoder
/// compresses itself and `compression:` stays `none` for this exporter).
///
/// Counters and gauges are one sample each; a histogram is its classic series
/// (`_bucket{le}`, `_sum`, `_count`). A sample's time is its own or else its batch's, in
/// milliseconds. See `RemoteWriteLabels` for the label sets and `RemoteWriteSeries` for
/// how samples of one series are merged.
public struct PrometheusRemoteWriteEncoder: BatchEncoder {
    /// What a remote_write request carries besides `Content-Type` (spec §"Protocol").
    public static let requestHeaders: [String: String] = [
        "Content-Encoding": "snappy",
        "X-Prometheus-Remote-Write-Version": "0.1.0",
    ]

    public let options: RemoteWriteOptions

    public init(options: RemoteWriteOptions = RemoteWriteOptions()) {
        self.options = options
    }

    public var contentType: String { "application/x-protobuf" }

    public func encode(_ batches: [TelemetryBatch]) throws(EncodingFailure) -> [UInt8] {
        let request = try writeRequest(batches)
        let serialized: [UInt8]
        do {
            serialized = try request.serializedBytes()
        } catch {
            throw EncodingFailure("cannot serialize the WriteRequest of \(request.timeseries.count) series: \(error)")
        }
        do {
            return try Snappy.compress(serialized)
        } catch {
            throw EncodingFailure(error.description)
        }
    }

    /// The request before serialization.
    func writeRequest(_ batches: [TelemetryBatch]) throws(EncodingFailure) -> Prometheus_WriteRequest {
        var series = RemoteWriteSeries()
        var metadata = RemoteWriteMetadata()
        for batch in batches {
            guard case .metrics(let metrics) = batch.payload else {
                throw EncodingFailure("prometheus_remote_write carries metrics only, got \(batch.signal)")
            }
            let labels = RemoteWriteLabels(resource: batch.resource, options: options)
            for family in metrics.families where !family.samples.isEmpty {
                let name = PrometheusName.metric(family.name)
                guard !name.isEmpty else { throw EncodingFailure("a metric family without a name (\(family.samples.count) samples)") }
                if options.sendMetadata { metadata.add(family, name: name) }
                for sample in family.samples {
                    let time = Self.milliseconds(sample.timestamp ?? metrics.timestamp)
                    switch family.kind {
                    case .counter, .gauge:
                        let common = labels.common(sample.labels)
                        series.append(RemoteWriteLabels.series(common, name: name), value: sample.value, timestampMilliseconds: time)
                    case .histogram:
                        try Self.appendHistogram(sample, name: name, labels: labels, time: time, to: &series)
                    }
                }
            }
        }
        var request = Prometheus_WriteRequest()
        request.timeseries = series.finish()
        request.metadata = metadata.entries
        return request
    }

    /// A histogram point without consistent buckets cannot be written as classic series
    /// (cumulative counts would decrease, breaking `histogram_quantile`): the batch is
    /// refused and counted, which points at the producer, rather than written wrong.
    private static func appendHistogram(
        _ sample: MetricSample, name: String, labels: RemoteWriteLabels, time: Int64, to series: inout RemoteWriteSeries
    ) throws(EncodingFailure) {
        guard let histogram = sample.histogram, histogram.isConsistent else {
            let detail = sample.histogram.map { "\($0.counts.count) counts for \($0.bounds.count) bounds, count \($0.count)" } ?? "no buckets"
            throw EncodingFailure("histogram \(name)\(describe(sample.labels)) is inconsistent: \(detail)")
        }
        let common = labels.common(sample.labels, reserved: "le")
        histogram.forEachClassicSeries { suffix, le, value in
            series.append(
                RemoteWriteLabels.series(common, name: name + suffix.rawValue, le: le), value: value, timestampMilliseconds: time)
        }
    }

    static func milliseconds(_ timestamp: Timestamp) -> Int64 {
        timestamp.nanosecondsSinceEpoch / 1_000_000
    }

    private static func describe(_ labels: Labels) -> String {
        labels.pairs.isEmpty ? "" : "{" + labels.pairs.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ",") + "}"
    }
}
