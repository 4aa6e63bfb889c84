/// A double as the Collector's `Value.AsString()` writes it (pdata's `float64AsString`,
/// which is Go's `encoding/json` float format): plain decimal digits (`0.00001`, `100`,
/// `-0`) unless the magnitude is below 1e-6 or from 1e21 up, then an exponent (`1e-7`,
/// `1.5e+21`); the shortest digits that read back as the same double either way.
///
/// The Collector cannot write NaN and the infinities this way and says
/// `json: unsupported value: NaN`; the value part of that is kept: `NaN`, `+Inf`, `-Inf`
/// (also how Prometheus spells them).
enum OTLPDoubleText {
    static func text(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        let (digits, exponent) = shortestDigits(value.magnitude)
        var out = value.sign == .minus ? "-" : ""
        guard !digits.isEmpty else { return out + "0" }
        let magnitude = value.magnitude
        if magnitude < 1e-6 || magnitude >= 1e21 {
            // d[.ddd]e±x, the exponent without padding (Go pads to two digits and pdata
            // strips the zero again from negative ones; positive ones are 21 or more).
            out.append(digits[0])
            if digits.count > 1 {
                out.append(".")
                out += digits.dropFirst()
            }
            let power = exponent - 1
            out += power < 0 ? "e-\(-power)" : "e+\(power)"
        } else if exponent <= 0 {
            out += "0." + String(repeating: "0", count: -exponent) + String(digits)
        } else if exponent >= digits.count {
            out += String(digits) + String(repeating: "0", count: exponent - digits.count)
        } else {
            out += String(digits[..<exponent]) + "." + String(digits[exponent...])
        }
        return out
    }

    /// The significant digits of a finite, non-negative `value` (no leading or trailing
    /// zeros; empty for zero) and where the decimal point goes: value = 0.digits × 10^exponent.
    /// Swift's `description` already has the shortest round-trip digits (as Go's
    /// `FormatFloat(…, -1, 64)` does); only its layout differs (`1e-05`, `100.0`).
    static func shortestDigits(_ value: Double) -> (digits: [Character], exponent: Int) {
        let text = value.description
        let mantissa: Substring
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        } else {
            mantissa = text[...]
        }
        var digits: [Character] = []
        var point: Int?
        for character in mantissa {
            if character == "." { point = digits.count } else { digits.append(character) }
        }
        exponent += point ?? digits.count
        let leadingZeros = digits.prefix { $0 == "0" }.count
        digits.removeFirst(leadingZeros)
        exponent -= leadingZeros
        while digits.last == "0" { digits.removeLast() }
        return (digits, digits.isEmpty ? 0 : exponent)
    }
}
