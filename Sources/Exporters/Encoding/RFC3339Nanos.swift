import Telemetry

/// RFC 3339 UTC timestamps with nine fraction digits (`2026-11-24T12:00:00.123456789Z`),
/// the form CONFIG.md promises for the local exporters. Pure arithmetic, no `gmtime_r`, no
/// `tm`: two of these go into every log line.
enum RFC3339Nanos {
    /// Appends the timestamp, without quotes.
    static func append(_ time: Timestamp, to out: inout [UInt8]) {
        let nanoseconds = time.nanosecondsSinceEpoch
        let seconds = floorDivide(nanoseconds, 1_000_000_000)
        // From the remainder, not `nanoseconds - seconds * 1e9`: that product overflows
        // for the earliest representable instants.
        let remainder = nanoseconds % 1_000_000_000
        let fraction = remainder < 0 ? remainder + 1_000_000_000 : remainder
        let days = floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        JSONNumber.appendDigits(UInt64(year), minimumWidth: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        JSONNumber.appendDigits(UInt64(month), minimumWidth: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        JSONNumber.appendDigits(UInt64(day), minimumWidth: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        JSONNumber.appendDigits(UInt64(secondOfDay / 3600), minimumWidth: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        JSONNumber.appendDigits(UInt64(secondOfDay / 60 % 60), minimumWidth: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        JSONNumber.appendDigits(UInt64(secondOfDay % 60), minimumWidth: 2, to: &out)
        out.append(UInt8(ascii: "."))
        JSONNumber.appendDigits(UInt64(fraction), minimumWidth: 9, to: &out)
        out.append(UInt8(ascii: "Z"))
    }

    static func appendQuoted(_ time: Timestamp, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        append(time, to: &out)
        out.append(UInt8(ascii: "\""))
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
