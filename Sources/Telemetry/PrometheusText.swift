/// Prometheus text exposition format 0.0.4, written straight into bytes.
public enum PrometheusText {
    public static func write(_ families: [MetricFamily], into out: inout [UInt8]) {
        for family in families where !family.samples.isEmpty {
            write(family, into: &out)
        }
    }

    public static func write(_ family: MetricFamily, into out: inout [UInt8]) {
        out.append(contentsOf: "# HELP ".utf8)
        out.append(contentsOf: family.name.utf8)
        out.append(UInt8(ascii: " "))
        appendEscaped(family.help, quotes: false, to: &out)
        out.append(contentsOf: "\n# TYPE ".utf8)
        out.append(contentsOf: family.name.utf8)
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: family.kind.rawValue.utf8)
        out.append(UInt8(ascii: "\n"))
        for sample in family.samples {
            out.append(contentsOf: family.name.utf8)
            if !sample.labels.pairs.isEmpty {
                out.append(UInt8(ascii: "{"))
                for (index, pair) in sample.labels.pairs.enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(contentsOf: pair.name.utf8)
                    out.append(contentsOf: "=\"".utf8)
                    appendEscaped(pair.value, quotes: true, to: &out)
                    out.append(UInt8(ascii: "\""))
                }
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: " "))
            appendValue(sample.value, to: &out)
            out.append(UInt8(ascii: "\n"))
        }
    }

    /// Integers print without a fraction (`1024`, not `1024.0`), as Go's client does.
    static func appendValue(_ value: Double, to out: inout [UInt8]) {
        if value.isNaN {
            out.append(contentsOf: "NaN".utf8)
        } else if value.isInfinite {
            out.append(contentsOf: (value > 0 ? "+Inf" : "-Inf").utf8)
        } else if value == value.rounded(), abs(value) < 1e15 {
            out.append(contentsOf: String(Int64(value)).utf8)
        } else {
            out.append(contentsOf: value.description.utf8)
        }
    }

    /// HELP escapes `\` and newline; label values also escape `"`.
    static func appendEscaped(_ text: String, quotes: Bool, to out: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\"") where quotes: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            default: out.append(byte)
            }
        }
    }
}
