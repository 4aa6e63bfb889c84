import Telemetry

/// OTLP `ExportMetricsServiceRequest` → metric families.
///
/// What the model holds is what a Prometheus-style backend takes: cumulative values. So a
/// monotonic cumulative sum is a counter, a non-monotonic one an up-down counter, a
/// cumulative histogram a histogram; delta temporality (which would need state to
/// accumulate), exponential histograms, summaries, points flagged "no recorded value",
/// histogram points without a sum or with buckets that do not add up are rejected and
/// counted, and a metric all of whose points were rejected is left out (one sent without
/// points stays, as it came). Non-string point attributes become label text (`OTLPValueText`);
/// ints, doubles and bools also have their type recorded (`LabelTypes`) to leave as they came.
/// An `as_int` point stays an integer (`MetricNumber.int`), exact beyond 2^53.
///
/// A batch's timestamp is the latest point time of its resource; a point at that time
/// leaves its sample's timestamp nil (the same time, said once), others keep theirs. A
/// point without a time was taken when the request arrived.
extension OTLPMetrics {
    public static func batches(from request: OTLPMetricsRequest, receivedAt: Timestamp) -> OTLPDecoded {
        var partial = OTLPPartialSuccess()
        var batches: [TelemetryBatch] = []
        for resourceMetrics in request.resourceMetrics {
            let resource = Resource(otlp: resourceMetrics.resource, schemaURL: resourceMetrics.schemaURL, notes: &partial)
            var families: [MetricFamily] = []
            var latest: Timestamp?
            for scopeMetrics in resourceMetrics.scopeMetrics {
                let scope = InstrumentationScope(otlp: scopeMetrics.scope, schemaURL: scopeMetrics.schemaURL, notes: &partial)
                for metric in scopeMetrics.metrics {
                    guard let family = family(metric, scope: scope, receivedAt: receivedAt, partial: &partial) else { continue }
                    for sample in family.samples {
                        if let time = sample.timestamp, latest.map({ time > $0 }) ?? true { latest = time }
                    }
                    families.append(family)
                }
            }
            guard let latest else { continue }  // no point survived
            for familyIndex in families.indices {
                for sampleIndex in families[familyIndex].samples.indices where families[familyIndex].samples[sampleIndex].timestamp == latest {
                    families[familyIndex].samples[sampleIndex].timestamp = nil
                }
            }
            batches.append(.metrics(MetricBatch(families: families, timestamp: latest), resource: resource))
        }
        return OTLPDecoded(batches: batches, partialSuccess: partial)
    }

    /// The family with its convertible points (every sample's timestamp set); nil when the
    /// metric's kind cannot be represented or none of its points can, its points counted as
    /// rejected.
    static func family(
        _ metric: ProtoMetric, scope: InstrumentationScope, receivedAt: Timestamp, partial: inout OTLPPartialSuccess
    ) -> MetricFamily? {
        // Worded only when something is rejected: most metrics never need it.
        let what = { "metric " + OTLPReasonText.quote(metric.name) }
        var family = MetricFamily(name: metric.name, help: metric.description_p, kind: .gauge, unit: metric.unit, scope: scope)
        let points: Int
        switch metric.data {
        case .gauge(let gauge):
            points = gauge.dataPoints.count
            family.samples = numberSamples(gauge.dataPoints, what: what, receivedAt: receivedAt, partial: &partial)
        case .sum(let sum):
            guard sum.aggregationTemporality == .cumulative else {
                partial.reject(sum.dataPoints.count, "\(what()): \(name(sum.aggregationTemporality)) sums are not supported, only cumulative")
                return nil
            }
            points = sum.dataPoints.count
            family.kind = sum.isMonotonic ? .counter : .upDownCounter
            family.samples = numberSamples(sum.dataPoints, what: what, receivedAt: receivedAt, partial: &partial)
        case .histogram(let histogram):
            guard histogram.aggregationTemporality == .cumulative else {
                partial.reject(
                    histogram.dataPoints.count,
                    "\(what()): \(name(histogram.aggregationTemporality)) histograms are not supported, only cumulative")
                return nil
            }
            points = histogram.dataPoints.count
            family.kind = .histogram
            family.samples = histogramSamples(histogram.dataPoints, what: what, receivedAt: receivedAt, partial: &partial)
        case .exponentialHistogram(let histogram):
            partial.reject(histogram.dataPoints.count, "\(what()): exponential histograms are not supported")
            return nil
        case .summary(let summary):
            partial.reject(summary.dataPoints.count, "\(what()): summaries are not supported")
            return nil
        case nil:
            partial.note("\(what()) has no data")
            return nil
        }
        return points > 0 && family.samples.isEmpty ? nil : family
    }

    private static func numberSamples(
        _ points: [ProtoNumberPoint], what: () -> String, receivedAt: Timestamp, partial: inout OTLPPartialSuccess
    ) -> [MetricSample] {
        samples(points, what: what, receivedAt: receivedAt, partial: &partial) { point in
            switch point.value {
            case .asDouble(let number): .read(.double(number), nil)
            case .asInt(let number): .read(.int(number), nil)
            case nil: .rejected(.noValue)
            }
        }
    }

    private static func histogramSamples(
        _ points: [ProtoHistogramPoint], what: () -> String, receivedAt: Timestamp, partial: inout OTLPPartialSuccess
    ) -> [MetricSample] {
        samples(points, what: what, receivedAt: receivedAt, partial: &partial) { point in
            guard point.hasSum else { return .rejected(.noSum) }
            let histogram = HistogramValue(
                bounds: point.explicitBounds, counts: point.bucketCounts, sum: point.sum, count: point.count,
                min: point.hasMin ? point.min : nil, max: point.hasMax ? point.max : nil)
            guard histogram.isConsistent, histogram.bounds.allSatisfy(\.isFinite) else {
                return .rejected(.inconsistent(counts: point.bucketCounts.count, bounds: point.explicitBounds.count, count: point.count))
            }
            return .read(.double(histogram.sum), histogram)
        }
    }

    /// What a point gave: its value (and histogram), or why it cannot be represented.
    private enum Reading {
        case read(MetricNumber, HistogramValue?)
        case rejected(PointProblem)
    }

    /// Why a point is rejected. Within one metric the same problem gives the same reason,
    /// so it is worded once per metric, not once per point (a metric may have hundreds of
    /// thousands of points, under a long name).
    private enum PointProblem: Hashable {
        case noRecordedValue
        case noValue
        case noSum
        case inconsistent(counts: Int, bounds: Int, count: UInt64)

        func reason(_ what: () -> String) -> String {
            let what = what()
            return switch self {
            case .noRecordedValue: "\(what): a point with no recorded value cannot be represented"
            case .noValue: "\(what): a point has no value"
            case .noSum: "\(what): a histogram point without a sum cannot be represented"
            case .inconsistent(let counts, let bounds, let count):
                "\(what): histogram point with \(counts) bucket counts for \(bounds) bounds and count \(count) is inconsistent"
            }
        }
    }

    /// What both point kinds share: a point flagged "no recorded value" is rejected, the
    /// others become samples with their labels and times; `reading` gives the kind's value
    /// (and histogram), or why the point cannot be represented.
    private static func samples<Point: OTLPDataPoint>(
        _ points: [Point], what: () -> String, receivedAt: Timestamp, partial: inout OTLPPartialSuccess,
        reading: (Point) -> Reading
    ) -> [MetricSample] {
        var samples: [MetricSample] = []
        samples.reserveCapacity(points.count)
        var worded: Set<PointProblem> = []
        for point in points {
            let read = point.flags & noRecordedValue == 0 ? reading(point) : .rejected(.noRecordedValue)
            switch read {
            case .read(let value, let histogram):
                let (labels, types) = labels(point.attributes)
                samples.append(MetricSample(
                    labels: labels, number: value, histogram: histogram,
                    timestamp: time(point.timeUnixNano, receivedAt),
                    startTimestamp: point.startTimeUnixNano == 0 ? nil : Timestamp(unixNano: point.startTimeUnixNano),
                    labelTypes: types))
            case .rejected(let problem):
                if worded.insert(problem).inserted {
                    partial.reject(1, problem.reason(what))
                } else {
                    partial.rejectAgain(1)
                }
            }
        }
        return samples
    }

    /// `DataPointFlags.FLAG_NO_RECORDED_VALUE`.
    private static let noRecordedValue = UInt32(Opentelemetry_Proto_Metrics_V1_DataPointFlags.noRecordedValueMask.rawValue)

    private static func time(_ unixNano: UInt64, _ receivedAt: Timestamp) -> Timestamp {
        unixNano == 0 ? receivedAt : Timestamp(unixNano: unixNano)
    }

    /// The attributes as label text, and the types of those that were ints, doubles or
    /// bools, so that they leave as they came (`LabelTypes`); bytes, arrays and maps leave as
    /// their text. The types stay empty, unallocated, when every attribute is a string.
    private static func labels(_ attributes: [ProtoKeyValue]) -> (Labels, LabelTypes) {
        var pairs: [(name: String, value: String)] = []
        pairs.reserveCapacity(attributes.count)
        var types = LabelTypes()
        for attribute in attributes {
            switch attribute.value.value {
            case .stringValue(let text):
                pairs.append((attribute.key, text))
                continue
            case .intValue: types.append(attribute.key, .int)
            case .doubleValue: types.append(attribute.key, .double)
            case .boolValue: types.append(attribute.key, .bool)
            case .bytesValue, .arrayValue, .kvlistValue, .stringValueStrindex, nil: break
            }
            pairs.append((attribute.key, OTLPValueText.text(attribute.value)))
        }
        return (Labels(pairs), types)
    }

    private static func name(_ temporality: Opentelemetry_Proto_Metrics_V1_AggregationTemporality) -> String {
        switch temporality {
        case .delta: "delta"
        case .cumulative: "cumulative"
        case .unspecified: "unspecified-temporality"
        case .UNRECOGNIZED(let value): "temporality-\(value)"
        }
    }
}
