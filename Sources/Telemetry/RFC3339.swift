/// RFC 3339 UTC timestamps written straight into bytes: `2026-11-24T12:00:00.123456789Z`
/// (nine fraction digits, what CONFIG.md promises exporters write) or `…00.123Z` (three,
/// the agent's own log lines and /status). Pure arithmetic, no `gmtime_r`, no `tm`, no
/// String: two of these go into every exported log record.
public enum RFC3339 {
    /// Appends the timestamp, without quotes; `fractionDigits` 0–9.
    public static func append(_ time: Timestamp, fractionDigits: Int = 9, to out: inout [UInt8]) {
        let nanoseconds = time.nanosecondsSinceEpoch
        let seconds = floorDivide(nanoseconds, 1_000_000_000)
        // From the remainder, not `nanoseconds - seconds * 1e9`: that product overflows
        // for the earliest representable instants.
        let remainder = nanoseconds % 1_000_000_000
        let fraction = remainder < 0 ? remainder + 1_000_000_000 : remainder
        let days = floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        let digits = min(max(fractionDigits, 0), 9)
        // Every encoded record has two of these: laid out in a stack buffer, one append.
        var buffer: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        let length = withUnsafeMutableBytes(of: &buffer) { raw -> Int in
            func put(_ value: Int64, width: Int, at index: Int) {
                var rest = value
                for position in stride(from: index + width - 1, through: index, by: -1) {
                    raw[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                    rest /= 10
                }
            }
            put(year, width: 4, at: 0)
            raw[4] = UInt8(ascii: "-")
            put(month, width: 2, at: 5)
            raw[7] = UInt8(ascii: "-")
            put(day, width: 2, at: 8)
            raw[10] = UInt8(ascii: "T")
            put(secondOfDay / 3600, width: 2, at: 11)
            raw[13] = UInt8(ascii: ":")
            put(secondOfDay / 60 % 60, width: 2, at: 14)
            raw[16] = UInt8(ascii: ":")
            put(secondOfDay % 60, width: 2, at: 17)
            var end = 19
            if digits > 0 {
                var divisor: Int64 = 1
                for _ in 0..<(9 - digits) { divisor *= 10 }
                raw[19] = UInt8(ascii: ".")
                put(fraction / divisor, width: digits, at: 20)
                end = 20 + digits
            }
            raw[end] = UInt8(ascii: "Z")
            return end + 1
        }
        withUnsafeBytes(of: &buffer) { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[0..<length])) }
    }

    public static func appendQuoted(_ time: Timestamp, fractionDigits: Int = 9, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        append(time, fractionDigits: fractionDigits, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    public static func string(_ time: Timestamp, fractionDigits: Int = 9) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        append(time, fractionDigits: fractionDigits, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian). Int64 nanoseconds
    /// span 1677–2262, so the year always has four digits and is positive.
    private static func civilDate(daysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// Rounds toward negative infinity, so instants before 1970 format correctly.
    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }
}
