import Telemetry

/// One metric family as an OTLP/JSON `Metric`, the same shape as the protobuf conversion
/// (`OTLPMetrics`): a counter is a monotonic cumulative `sum`, an up-down counter a
/// non-monotonic one (`isMonotonic` left out, proto3 JSON's false), a gauge a `gauge`, a
/// histogram a cumulative `histogram`; labels are attributes typed as the protobuf conversion
/// types them (`MetricSample.forEachAttribute`). Temporality is the
/// enum's number (2, cumulative); counts, times and `asInt` values are decimal strings.
enum OTLPJSONMetric {
    static func append(_ family: MetricFamily, batchTimestamp: Timestamp, to out: inout [UInt8]) {
        out.appendLiteral("{\"name\":")
        JSONString.append(family.name, to: &out)
        if !family.help.isEmpty {
            out.appendLiteral(",\"description\":")
            JSONString.append(family.help, to: &out)
        }
        if !family.unit.isEmpty {
            out.appendLiteral(",\"unit\":")
            JSONString.append(family.unit, to: &out)
        }
        switch family.kind {
        case .counter:
            out.appendLiteral(",\"sum\":{\"dataPoints\":[")
            appendNumberPoints(family.samples, batchTimestamp: batchTimestamp, to: &out)
            out.appendLiteral("],\"aggregationTemporality\":2,\"isMonotonic\":true}")
        case .upDownCounter:
            out.appendLiteral(",\"sum\":{\"dataPoints\":[")
            appendNumberPoints(family.samples, batchTimestamp: batchTimestamp, to: &out)
            out.appendLiteral("],\"aggregationTemporality\":2}")
        case .gauge:
            out.appendLiteral(",\"gauge\":{\"dataPoints\":[")
            appendNumberPoints(family.samples, batchTimestamp: batchTimestamp, to: &out)
            out.appendLiteral("]}")
        case .histogram:
            out.appendLiteral(",\"histogram\":{\"dataPoints\":[")
            var first = true
            for sample in family.samples {
                guard let histogram = sample.histogram else { continue }
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                appendHistogramPoint(sample, histogram, batchTimestamp: batchTimestamp, to: &out)
            }
            out.appendLiteral("],\"aggregationTemporality\":2}")
        }
        out.append(UInt8(ascii: "}"))
    }

    private static func appendNumberPoints(_ samples: [MetricSample], batchTimestamp: Timestamp, to out: inout [UInt8]) {
        for (index, sample) in samples.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendPointHead(sample, batchTimestamp: batchTimestamp, to: &out)
            switch sample.number {
            case .double(let value):
                out.appendLiteral(",\"asDouble\":")
                JSONNumber.append(value, nonFinite: .protobuf, to: &out)
            case .int(let value):
                out.appendLiteral(",\"asInt\":\"")
                JSONNumber.append(value, to: &out)
                out.append(UInt8(ascii: "\""))
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// As the protobuf conversion: a histogram family's sample without a `HistogramValue`
    /// is left out (the encoder has counted it, see `OTLPRepresentableMetrics`).
    private static func appendHistogramPoint(
        _ sample: MetricSample, _ histogram: HistogramValue, batchTimestamp: Timestamp, to out: inout [UInt8]
    ) {
        appendPointHead(sample, batchTimestamp: batchTimestamp, to: &out)
        out.appendLiteral(",\"count\":")
        JSONNumber.appendQuoted(histogram.count, to: &out)
        out.appendLiteral(",\"sum\":")
        JSONNumber.append(histogram.sum, nonFinite: .protobuf, to: &out)
        out.appendLiteral(",\"bucketCounts\":[")
        for (index, count) in histogram.counts.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONNumber.appendQuoted(count, to: &out)
        }
        out.appendLiteral("],\"explicitBounds\":[")
        for (index, bound) in histogram.bounds.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONNumber.append(bound, nonFinite: .protobuf, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        if let min = histogram.min {
            out.appendLiteral(",\"min\":")
            JSONNumber.append(min, nonFinite: .protobuf, to: &out)
        }
        if let max = histogram.max {
            out.appendLiteral(",\"max\":")
            JSONNumber.append(max, nonFinite: .protobuf, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// `{"attributes":[…],"startTimeUnixNano":…,"timeUnixNano":…` (object left open).
    private static func appendPointHead(_ sample: MetricSample, batchTimestamp: Timestamp, to out: inout [UInt8]) {
        out.appendLiteral("{\"attributes\":")
        OTLPJSONAttributes.appendList(labelsOf: sample, to: &out)
        if let start = sample.startTimestamp {
            out.appendLiteral(",\"startTimeUnixNano\":")
            JSONNumber.appendUnixNano(start, to: &out)
        }
        out.appendLiteral(",\"timeUnixNano\":")
        JSONNumber.appendUnixNano(sample.timestamp ?? batchTimestamp, to: &out)
    }
}
