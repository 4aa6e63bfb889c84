import Telemetry

/// Metric families → OTLP `ExportMetricsServiceRequest` (the reverse is in
/// `OTLPMetrics+Decode.swift`).
///
/// A counter is a monotonic cumulative `Sum`, an up-down counter a non-monotonic one, a gauge
/// a `Gauge`, a histogram a cumulative explicit-bucket `Histogram`; `help` is the description;
/// labels are string attributes but for those an SDK sent as ints, doubles or bools, which
/// leave as those while their text still reads as one (`MetricSample.forEachAttribute`).
/// Each point's time is its sample's timestamp, else its batch's; its start time is set
/// when the sample has one. An integer value is an `as_int` point, a float an `as_double`
/// one; scope attributes and schema URLs are carried. A histogram family's sample without a
/// `HistogramValue` has no point to become and is left out: encoders find such samples (and
/// inconsistent histograms) first with `OTLPRepresentableMetrics`, which counts them.
public enum OTLPMetrics {
    /// The request as swift-protobuf messages: the exporter writes its bytes directly
    /// (`serialize`, OTLP/Wire), and this tree is what those bytes are tested against.
    public static func request(_ batches: [TelemetryBatch]) -> OTLPMetricsRequest {
        var request = OTLPMetricsRequest()
        request.resourceMetrics = OTLPGrouping.metrics(batches).map { group in
            var resourceMetrics = Opentelemetry_Proto_Metrics_V1_ResourceMetrics()
            resourceMetrics.resource = group.resource.otlpMessage
            resourceMetrics.schemaURL = group.resource.schemaURL
            resourceMetrics.scopeMetrics = group.scopes.map { scopeGroup in
                var scopeMetrics = Opentelemetry_Proto_Metrics_V1_ScopeMetrics()
                if !scopeGroup.scope.isEmpty { scopeMetrics.scope = scopeGroup.scope.otlpMessage }
                scopeMetrics.schemaURL = scopeGroup.scope.schemaURL
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
        case .counter, .upDownCounter:
            var sum = Opentelemetry_Proto_Metrics_V1_Sum()
            sum.isMonotonic = family.kind == .counter
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
        point.attributes = attributes(sample)
        point.startTimeUnixNano = sample.startTimestamp?.unixNano ?? 0
        point.timeUnixNano = (sample.timestamp ?? batchTimestamp).unixNano
        switch sample.number {
        case .double(let value): point.value = .asDouble(value)
        case .int(let value): point.value = .asInt(value)
        }
        return point
    }

    private static func histogramPoint(_ sample: MetricSample, batchTimestamp: Timestamp) -> ProtoHistogramPoint? {
        guard let histogram = sample.histogram else { return nil }
        var point = ProtoHistogramPoint()
        point.attributes = attributes(sample)
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

    private static func attributes(_ sample: MetricSample) -> [ProtoKeyValue] {
        var attributes: [ProtoKeyValue] = []
        attributes.reserveCapacity(sample.labels.pairs.count)
        sample.forEachAttribute { name, value in
            var keyValue = ProtoKeyValue()
            keyValue.key = name
            keyValue.value = OTLPAttributes.anyValue(value)
            attributes.append(keyValue)
        }
        return attributes
    }
}
