import Telemetry

/// Metric samples as CONFIG.md's flat objects, one per sample:
/// `{"name","type","unit","labels","value","timestamp","resource"}`.
///
/// Everything but the labels and the value is shared by a family's samples (name, type,
/// unit) or by the whole batch (timestamp, resource), so those parts are encoded once and
/// copied. `type` is Prometheus' word (an up-down counter is a `gauge`). `unit` is always
/// present, `""` when the family has none. A histogram sample has `buckets` (cumulative,
/// Prometheus-style: `[{"le":"0.5","count":3},…,{"le":"+Inf",…}]`), `sum` and `count`
/// instead of `value`. An integer value (an SDK's `as_int` point) is
/// written with all its digits, also beyond 2^53. A sample taken at its own time (an SDK's
/// point) carries that `timestamp` instead of the batch's.
enum MetricSampleJSON {
    /// `{"name":…,"type":…,"unit":…,"labels":` for one family.
    static func prefix(of family: MetricFamily) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(48 + family.name.utf8.count + family.unit.utf8.count)
        out.appendLiteral("{\"name\":")
        JSONString.append(family.name, to: &out)
        switch family.kind {
        case .counter: out.appendLiteral(",\"type\":\"counter\"")
        case .gauge, .upDownCounter: out.appendLiteral(",\"type\":\"gauge\"")
        case .histogram: out.appendLiteral(",\"type\":\"histogram\"")
        }
        out.appendLiteral(",\"unit\":")
        JSONString.append(family.unit, to: &out)
        out.appendLiteral(",\"labels\":")
        return out
    }

    /// `,"timestamp":…,"resource":…}` for one batch, and where its timestamp starts (a
    /// sample with its own timestamp replaces what lies between the two).
    struct Suffix {
        var bytes: [UInt8]
        var resourceStart: Int
    }

    static func suffix(timestamp: Timestamp, encodedResource: [UInt8]) -> Suffix {
        var out: [UInt8] = []
        out.reserveCapacity(48 + encodedResource.count)
        out.appendLiteral(",\"timestamp\":")
        RFC3339.appendQuoted(timestamp, to: &out)
        let resourceStart = out.count
        out.appendLiteral(",\"resource\":")
        out.append(contentsOf: encodedResource)
        out.append(UInt8(ascii: "}"))
        return Suffix(bytes: out, resourceStart: resourceStart)
    }

    static func append(_ sample: MetricSample, prefix: [UInt8], suffix: Suffix, to out: inout [UInt8]) {
        out.append(contentsOf: prefix)
        out.append(UInt8(ascii: "{"))
        for (index, pair) in sample.labels.pairs.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONString.append(pair.name, to: &out)
            out.append(UInt8(ascii: ":"))
            JSONString.append(pair.value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        if let histogram = sample.histogram {
            out.appendLiteral(",\"buckets\":[")
            var first = true
            histogram.forEachClassicSeries { kind, le, value in
                guard kind == .bucket, let le else { return }
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                out.appendLiteral("{\"le\":")
                JSONString.append(le, to: &out)
                out.appendLiteral(",\"count\":")
                JSONNumber.append(value, nonFinite: .prometheus, to: &out)
                out.append(UInt8(ascii: "}"))
            }
            out.appendLiteral("],\"sum\":")
            JSONNumber.append(histogram.sum, nonFinite: .prometheus, to: &out)
            out.appendLiteral(",\"count\":")
            JSONNumber.append(Double(histogram.count), nonFinite: .prometheus, to: &out)
        } else {
            out.appendLiteral(",\"value\":")
            switch sample.number {
            case .double(let value): JSONNumber.append(value, nonFinite: .prometheus, to: &out)
            case .int(let value): JSONNumber.append(value, to: &out)
            }
        }
        if let timestamp = sample.timestamp {
            out.appendLiteral(",\"timestamp\":")
            RFC3339.appendQuoted(timestamp, to: &out)
            out.append(contentsOf: suffix.bytes[suffix.resourceStart...])
        } else {
            out.append(contentsOf: suffix.bytes)
        }
    }
}
