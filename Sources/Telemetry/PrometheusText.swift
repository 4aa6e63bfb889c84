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
            appendInteger(Int64(value), to: &out)
        } else {
            out.append(contentsOf: value.description.utf8)
        }
    }

    /// Digits straight into the buffer: most samples are integer counters, and a String
    /// per sample was a measurable part of a scrape.
    static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: any Int64's digits
        withUnsafeMutableBytes(of: &scratch) { digits in
            var index = digits.count
            repeat {
                index -= 1
                digits[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            out.append(contentsOf: digits[index...])
        }
    }

    /// HELP escapes `\` and newline; label values also escape `"`.
    static func appendEscaped(_ text: String, quotes: Bool, to out: inout [UInt8]) {
        // Almost nothing needs escaping: one tight pass over contiguous bytes decides.
        let clean = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            for byte in bytes where byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\"") {
                if byte != UInt8(ascii: "\"") || quotes { return false }
            }
            out.append(contentsOf: bytes)
            return true
        }
        if clean == true { return }
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
