import Telemetry

/// Metric families → OTLP `ExportMetricsServiceRequest` (the reverse is in
/// `OTLPMetrics+Decode.swift`).
///
/// A counter is a monotonic cumulative `Sum`, a gauge a `Gauge`, a histogram a cumulative
/// explicit-bucket `Histogram`; `help` is the description, labels are string attributes.
/// Each point's time is its sample's timestamp, else its batch's; its start time is set
/// when the sample has one. A histogram family's sample without a `HistogramValue` has no
/// point to become and is left out: encoders find such samples (and inconsistent
/// histograms) first with `OTLPRepresentableMetrics`, which counts them.
public enum OTLPMetrics {
    public static func request(_ batches: [TelemetryBatch]) -> OTLPMetricsRequest {
        var request = OTLPMetricsRequest()
        request.resourceMetrics = OTLPGrouping.metrics(batches).map { group in
            var resourceMetrics = Opentelemetry_Proto_Metrics_V1_ResourceMetrics()
            resourceMetrics.resource = group.resource.otlpMessage
            resourceMetrics.scopeMetrics = group.scopes.map { scopeGroup in
                var scopeMetrics = Opentelemetry_Proto_Metrics_V1_ScopeMetrics()
                if !scopeGroup.scope.isEmpty { scopeMetrics.scope = scopeGroup.scope.otlpMessage }
                scopeMetrics.metrics = scopeGroup.items.map { message($0.family, batchTimestamp: $0.batchTimestamp) }
                return scopeMetrics
            }
            return resourceMetrics
        }
        return request
    }

    static func message(_ family: MetricFamily, batchTimestamp: Timestamp) -> ProtoMetric {
        var metric = ProtoMetric()
        metric.name = family.name
        metric.description_p = family.help
        metric.unit = family.unit
        switch family.kind {
        case .counter:
            var sum = Opentelemetry_Proto_Metrics_V1_Sum()
            sum.isMonotonic = true
            sum.aggregationTemporality = .cumulative
            sum.dataPoints = family.samples.map { numberPoint($0, batchTimestamp: batchTimestamp) }
            metric.data = .sum(sum)
        case .gauge:
            var gauge = Opentelemetry_Proto_Metrics_V1_Gauge()
            gauge.dataPoints = family.samples.map { numberPoint($0, batchTimestamp: batchTimestamp) }
            metric.data = .gauge(gauge)
        case .histogram:
            var histogram = Opentelemetry_Proto_Metrics_V1_Histogram()
            histogram.aggregationTemporality = .cumulative
            histogram.dataPoints = family.samples.compactMap { histogramPoint($0, batchTimestamp: batchTimestamp) }
            metric.data = .histogram(histogram)
        }
        return metric
    }

    private static func numberPoint(_ sample: MetricSample, batchTimestamp: Timestamp) -> ProtoNumberPoint {
        var point = ProtoNumberPoint()
        point.attributes = labels(sample.labels)
        point.startTimeUnixNano = sample.startTimestamp?.unixNano ?? 0
        point.timeUnixNano = (sample.timestamp ?? batchTimestamp).unixNano
        point.value = .asDouble(sample.value)
        return point
    }

    private static func histogramPoint(_ sample: MetricSample, batchTimestamp: Timestamp) -> ProtoHistogramPoint? {
        guard let histogram = sample.histogram else { return nil }
        var point = ProtoHistogramPoint()
        point.attributes = labels(sample.labels)
        point.startTimeUnixNano = sample.startTimestamp?.unixNano ?? 0
        point.timeUnixNano = (sample.timestamp ?? batchTimestamp).unixNano
        point.count = histogram.count
        point.sum = histogram.sum
        point.bucketCounts = histogram.counts
        point.explicitBounds = histogram.bounds
        if let min = histogram.min { point.min = min }
        if let max = histogram.max { point.max = max }
        return point
    }

    private static func labels(_ labels: Labels) -> [ProtoKeyValue] {
        labels.pairs.map { pair in
            var keyValue = ProtoKeyValue()
            keyValue.key = pair.name
            keyValue.value.value = .stringValue(pair.value)
            return keyValue
        }
    }
}
