/// A non-negative length of time written the way operators write it: `250ms`, `10s`,
/// `5m`, `1h`, `1.5s`, `1m30s`.
///
/// Units are `ns`, `us` (or `µs`), `ms`, `s`, `m`, `h` and `d`, and several may be
/// combined as in Go (`1h30m`). A number without a unit is refused
/// (is `30` seconds or milliseconds?) except `0`, which means the same in every unit.
/// Stored as whole nanoseconds so that equal durations compare equal however written.
public struct ConfigDuration: ConfigScalar, Sendable, Hashable, Comparable, CustomStringConvertible {
    public let nanoseconds: Int64

    public var duration: Duration { .nanoseconds(nanoseconds) }

    /// Negative durations are a programming error; durations beyond Int64 nanoseconds
    /// (about 292 years) are clamped.
    public init(_ duration: Duration) {
        precondition(duration >= .zero, "ConfigDuration cannot be negative: \(duration)")
        let (seconds, attoseconds) = duration.components
        let (wholeNanoseconds, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, sumOverflow) = wholeNanoseconds.addingReportingOverflow(attoseconds / 1_000_000_000)
        nanoseconds = overflow || sumOverflow ? .max : total
    }

    public init(parsing text: String) throws(ValueParseError) {
        guard text != "0" else {
            nanoseconds = 0
            return
        }
        if text.hasPrefix("-") {
            throw ValueParseError(message: "expected a non-negative duration like \"5s\", got \(quoted(text))")
        }
        var rest = Substring(text)
        var total: Int64 = 0
        repeat {
            guard let (number, afterNumber) = DecimalNumber.prefix(of: rest) else {
                throw ValueParseError(message: "\(Self.expectation), got \(quoted(text))")
            }
            let unit = afterNumber.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            guard let unitNanoseconds = Self.units[String(unit)] else {
                let hint = unit.isEmpty ? " (add a unit: ns, us, ms, s, m, h or d)" : ""
                throw ValueParseError(message: "\(Self.expectation), got \(quoted(text))\(hint)")
            }
            guard let part = number.scaled(by: unitNanoseconds),
                  case (let sum, false) = total.addingReportingOverflow(part) else {
                throw ValueParseError(message: "expected a duration of at most 106751d, got \(quoted(text))")
            }
            total = sum
            rest = afterNumber.dropFirst(unit.count)
        } while !rest.isEmpty
        nanoseconds = total
    }

    /// The largest unit that expresses the duration exactly, so it reads back unchanged:
    /// `250ms`, `90s`, `5m`, `2d`.
    public var description: String {
        guard nanoseconds != 0 else { return "0s" }
        for (name, size) in Self.canonicalUnits where nanoseconds % size == 0 {
            return "\(nanoseconds / size)\(name)"
        }
        return "\(nanoseconds)ns"
    }

    public static func < (lhs: ConfigDuration, rhs: ConfigDuration) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    public static let expectation = "expected a duration like \"5s\""

    private static let canonicalUnits: [(String, Int64)] = [
        ("d", 86_400_000_000_000), ("h", 3_600_000_000_000), ("m", 60_000_000_000),
        ("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000), ("ns", 1),
    ]

    /// Both micro signs are accepted: U+00B5 (what keyboards type) and U+03BC (Greek mu).
    private static let units: [String: Int64] = [
        "ns": 1, "us": 1_000, "\u{B5}s": 1_000, "\u{3BC}s": 1_000, "ms": 1_000_000,
        "s": 1_000_000_000, "m": 60_000_000_000, "h": 3_600_000_000_000, "d": 86_400_000_000_000,
    ]
}
