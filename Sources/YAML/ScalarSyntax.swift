/// The spellings accepted for booleans and numbers.
///
/// Deliberately YAML 1.2's core schema and not YAML 1.1's: `yes`, `on` and `0777`-as-octal
/// have bitten enough configs (the "Norway problem") that only `true`/`false`, decimal,
/// `0x`/`0o` integers and ordinary floats are numbers and booleans here. No digit
/// separators either: `1_000` is more likely a typo than intent in an operator's config.
enum ScalarSyntax {
    enum IntegerResult<T> {
        case value(T)
        /// Well-formed, but does not fit the target type.
        case outOfRange
        case malformed
    }

    static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }

    /// `[-+]?` followed by decimal digits, `0x` hex digits or `0o` octal digits.
    static func integer<T: FixedWidthInteger>(_ text: String, as: T.Type = T.self) -> IntegerResult<T> {
        var digits = Substring(text)
        let negative = digits.first == "-"
        if negative || digits.first == "+" {
            digits = digits.dropFirst()
        }
        var radix = 10
        if digits.hasPrefix("0x") {
            radix = 16
            digits = digits.dropFirst(2)
        } else if digits.hasPrefix("0o") {
            radix = 8
            digits = digits.dropFirst(2)
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.hexDigitValue ?? radix) < radix }) else {
            return .malformed
        }
        // The magnitude is parsed wider than any target type so that "too big" is told
        // apart from "not a number", then narrowed exactly.
        guard let wide = UInt128(digits, radix: radix), let magnitude = T.Magnitude(exactly: wide) else {
            return .outOfRange
        }
        if negative {
            guard magnitude <= T.min.magnitude else { return .outOfRange }
            // T.min's magnitude has no positive counterpart in T, so it cannot be negated.
            return .value(magnitude == T.min.magnitude ? T.min : 0 - T(magnitude))
        }
        guard let value = T(exactly: magnitude) else { return .outOfRange }
        return .value(value)
    }

    /// Decimal numbers with optional fraction and exponent, integers as above, and
    /// `.inf` / `-.inf` / `.nan` in YAML's spellings. Nil for anything else, including
    /// finite numbers too large for a Double.
    static func double(_ text: String) -> Double? {
        if [".nan", ".NaN", ".NAN"].contains(text) {
            return .nan
        }
        var body = Substring(text)
        let negative = body.first == "-"
        if negative || body.first == "+" {
            body = body.dropFirst()
        }
        if [".inf", ".Inf", ".INF"].contains(body) {
            return negative ? -.infinity : .infinity
        }
        if case .value(let integer) = integer(text, as: Int64.self) {
            return Double(integer)
        }
        return decimal(Substring(text))
    }

    /// An optionally signed decimal number, finite: the part of `double` that other
    /// value syntaxes (ratios) build on without inheriting `.inf` and hex integers.
    static func decimal(_ text: Substring) -> Double? {
        let unsigned = text.first == "-" || text.first == "+" ? text.dropFirst() : text
        guard isDecimal(unsigned), let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, checked by hand because
    /// `Double(String)` alone also accepts `inf`, `nan` and hexadecimal floats.
    private static func isDecimal(_ text: Substring) -> Bool {
        var rest = text[...]
        let integerDigits = rest.prefix { $0.isASCII && $0.isNumber }
        rest = rest.dropFirst(integerDigits.count)
        var fractionDigits: Substring = ""
        if rest.first == "." {
            rest = rest.dropFirst()
            fractionDigits = rest.prefix { $0.isASCII && $0.isNumber }
            rest = rest.dropFirst(fractionDigits.count)
        }
        guard !integerDigits.isEmpty || !fractionDigits.isEmpty else { return false }
        if rest.first == "e" || rest.first == "E" {
            rest = rest.dropFirst()
            if rest.first == "-" || rest.first == "+" {
                rest = rest.dropFirst()
            }
            let exponentDigits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !exponentDigits.isEmpty else { return false }
            rest = rest.dropFirst(exponentDigits.count)
        }
        return rest.isEmpty
    }
}
