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
///
/// A sample that cannot be written (a histogram point whose buckets do not add up, one
/// without buckets, a family without a name) is left out and reported by `encodeBody`, so
/// the sender counts it as rejected; the rest of the delivery goes out.
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
        try encodeBody(batches).bytes
    }

    public func encodeBody(_ batches: [TelemetryBatch]) throws(EncodingFailure) -> EncodedBody {
        var leftOut = LeftOut()
        let request = try writeRequest(batches, leftOut: &leftOut)
        let serialized: [UInt8]
        do {
            serialized = try request.serializedBytes()
        } catch {
            throw EncodingFailure("cannot serialize the WriteRequest of \(request.timeseries.count) series: \(error)")
        }
        do {
            return EncodedBody(try Snappy.compress(serialized), rejected: leftOut.count, reason: leftOut.reason)
        } catch {
            throw EncodingFailure(error.description)
        }
    }

    /// The request before serialization; samples it cannot carry are counted in `leftOut`.
    func writeRequest(_ batches: [TelemetryBatch], leftOut: inout LeftOut) throws(EncodingFailure) -> Prometheus_WriteRequest {
        var series = RemoteWriteSeries()
        var metadata = RemoteWriteMetadata()
        for batch in batches {
            guard case .metrics(let metrics) = batch.payload else {
                throw EncodingFailure("prometheus_remote_write carries metrics only, got \(batch.signal)")
            }
            let labels = RemoteWriteLabels(resource: batch.resource, options: options)
            for family in metrics.families where !family.samples.isEmpty {
                let name = PrometheusName.metric(family.name)
                guard !name.isEmpty else {
                    leftOut.add(family.samples.count, "a metric family without a name (\(family.samples.count) samples)")
                    continue
                }
                if options.sendMetadata { metadata.add(family, name: name) }
                for sample in family.samples {
                    let time = Self.milliseconds(sample.timestamp ?? metrics.timestamp)
                    switch family.kind {
                    case .counter, .gauge, .upDownCounter:
                        let common = labels.common(sample.labels)
                        series.append(RemoteWriteLabels.series(common, name: name), value: sample.value, timestampMilliseconds: time)
                    case .histogram:
                        Self.appendHistogram(sample, name: name, labels: labels, time: time, to: &series, leftOut: &leftOut)
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
    /// (cumulative counts would decrease, breaking `histogram_quantile`): it is left out and
    /// counted, which points at the producer, rather than written wrong.
    private static func appendHistogram(
        _ sample: MetricSample, name: String, labels: RemoteWriteLabels, time: Int64, to series: inout RemoteWriteSeries,
        leftOut: inout LeftOut
    ) {
        guard let histogram = sample.histogram, histogram.isConsistent else {
            let detail = sample.histogram.map { "\($0.counts.count) counts for \($0.bounds.count) bounds, count \($0.count)" } ?? "no buckets"
            leftOut.add(1, "histogram \(name)\(describe(sample.labels)) is inconsistent: \(detail)")
            return
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

    /// Samples left out of a request: how many, and why the first was (one reason is
    /// enough to find the producer; the rest are usually the same).
    struct LeftOut {
        private(set) var count = 0
        private var first = ""

        mutating func add(_ samples: Int, _ why: String) {
            if count == 0 { first = why }
            count += samples
        }

        var reason: String {
            guard count > 0 else { return "" }
            let others = count > 1 ? " (\(count) samples left out in all)" : ""
            return "not representable in remote_write, left out: \(first)\(others)"
        }
    }
}
