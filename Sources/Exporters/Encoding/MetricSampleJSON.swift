import Telemetry

/// Metric samples as CONFIG.md's flat objects, one per sample:
/// `{"name","type","unit","labels","value","timestamp","resource"}`.
///
/// Everything but the labels and the value is shared by a family's samples (name, type,
/// unit) or by the whole batch (timestamp, resource), so those parts are encoded once and
/// copied. `unit` is always present, `""` when the family has none. Our model has only
/// counters and gauges; histograms (`buckets`, `sum`, `count`) come with a histogram type.
enum MetricSampleJSON {
    /// `{"name":…,"type":…,"unit":…,"labels":` for one family.
    static func prefix(of family: MetricFamily) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(48 + family.name.utf8.count + family.unit.utf8.count)
        out.appendLiteral("{\"name\":")
        JSONString.append(family.name, to: &out)
        switch family.kind {
        case .counter: out.appendLiteral(",\"type\":\"counter\"")
        case .gauge: out.appendLiteral(",\"type\":\"gauge\"")
        }
        out.appendLiteral(",\"unit\":")
        JSONString.append(family.unit, to: &out)
        out.appendLiteral(",\"labels\":")
        return out
    }

    /// `,"timestamp":…,"resource":…}` for one batch.
    static func suffix(timestamp: Timestamp, encodedResource: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(48 + encodedResource.count)
        out.appendLiteral(",\"timestamp\":")
        RFC3339.appendQuoted(timestamp, to: &out)
        out.appendLiteral(",\"resource\":")
        out.append(contentsOf: encodedResource)
        out.append(UInt8(ascii: "}"))
        return out
    }

    static func append(_ sample: MetricSample, prefix: [UInt8], suffix: [UInt8], to out: inout [UInt8]) {
        out.append(contentsOf: prefix)
        out.append(UInt8(ascii: "{"))
        for (index, pair) in sample.labels.pairs.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONString.append(pair.name, to: &out)
            out.append(UInt8(ascii: ":"))
            JSONString.append(pair.value, to: &out)
        }
        out.appendLiteral("},\"value\":")
        JSONNumber.append(sample.value, nonFinite: .prometheus, to: &out)
        out.append(contentsOf: suffix)
    }
}
