import Telemetry

/// Timestamps as log lines write them, parsed from bytes with arithmetic only.
public enum LogTimestamp {
    /// RFC 3339 / ISO 8601: `2026-11-22T10:00:00Z`, `…00.123456789+02:00`, `…00,123-0530`,
    /// with `T`, `t` or a space between date and time. A missing zone is read as UTC: the
    /// agent cannot know the writer's zone, and a plausible time beats none. Fraction digits
    /// past nine are ignored. Nil when the bytes are not such a timestamp.
    public static func parseRFC3339(_ bytes: UnsafeRawBufferPointer) -> Timestamp? {
        let count = bytes.count
        guard count >= 19,
            let year = digits(bytes, 0, 4), bytes[4] == UInt8(ascii: "-"),
            let month = digits(bytes, 5, 2), bytes[7] == UInt8(ascii: "-"),
            let day = digits(bytes, 8, 2),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " "),
            let hour = digits(bytes, 11, 2), bytes[13] == UInt8(ascii: ":"),
            let minute = digits(bytes, 14, 2), bytes[16] == UInt8(ascii: ":"),
            let second = digits(bytes, 17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60
        else { return nil }
        var index = 19
        var nanoseconds: Int64 = 0
        if index < count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ",") {
            index += 1
            var scale: Int64 = 100_000_000
            let fractionStart = index
            while index < count, JSONObjectScanner.isDigit(bytes[index]) {
                nanoseconds += Int64(bytes[index] - UInt8(ascii: "0")) * scale
                scale /= 10
                index += 1
            }
            guard index > fractionStart else { return nil }
        }
        var offsetSeconds: Int64 = 0
        if index < count {
            switch bytes[index] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                index += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                guard let hours = digits(bytes, index + 1, 2) else { return nil }
                var minutesIndex = index + 3
                if minutesIndex < count, bytes[minutesIndex] == UInt8(ascii: ":") { minutesIndex += 1 }
                guard let minutes = digits(bytes, minutesIndex, 2), hours < 24, minutes < 60 else { return nil }
                offsetSeconds = sign * (hours * 3600 + minutes * 60)
                index = minutesIndex + 2
            default:
                return nil
            }
        }
        guard index == count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return nil }
        return Timestamp(nanosecondsSinceEpoch: scaled + nanoseconds)
    }

    /// A JSON number as a Unix time. The magnitude picks the unit, as most log shippers do:
    /// below 1e11 seconds (fractions allowed), below 1e14 milliseconds, below 1e17
    /// microseconds, else nanoseconds. Nil for negative or malformed numbers.
    public static func parseEpoch(_ bytes: UnsafeRawBufferPointer) -> Timestamp? {
        var index = 0
        var integer: Int64 = 0
        var integerDigits = 0
        while index < bytes.count, JSONObjectScanner.isDigit(bytes[index]) {
            let (shifted, overflow) = integer.multipliedReportingOverflow(by: 10)
            let (next, carry) = shifted.addingReportingOverflow(Int64(bytes[index] - UInt8(ascii: "0")))
            guard !overflow, !carry else { return nil }
            integer = next
            integerDigits += 1
            index += 1
        }
        guard integerDigits > 0 else { return nil }
        // Fraction digits in units of 1e-9 of whatever the integer counts.
        var fraction: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale: Int64 = 100_000_000
            while index < bytes.count, JSONObjectScanner.isDigit(bytes[index]) {
                fraction += Int64(bytes[index] - UInt8(ascii: "0")) * scale
                scale /= 10
                index += 1
            }
        }
        guard index == bytes.count else { return nil }
        let nanosecondsPerUnit: Int64
        switch integer {
        case ..<100_000_000_000: nanosecondsPerUnit = 1_000_000_000
        case ..<100_000_000_000_000: nanosecondsPerUnit = 1_000_000
        case ..<100_000_000_000_000_000: nanosecondsPerUnit = 1_000
        default: nanosecondsPerUnit = 1
        }
        let (scaled, overflow) = integer.multipliedReportingOverflow(by: nanosecondsPerUnit)
        guard !overflow else { return nil }
        return Timestamp(nanosecondsSinceEpoch: scaled + fraction / (1_000_000_000 / nanosecondsPerUnit))
    }

    private static func digits(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ length: Int) -> Int64? {
        guard start + length <= bytes.count else { return nil }
        var value: Int64 = 0
        for index in start..<(start + length) {
            let byte = bytes[index]
            guard JSONObjectScanner.isDigit(byte) else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// Howard Hinnant's days-from-civil (proleptic Gregorian), the inverse of what
    /// Telemetry's RFC3339 writer uses.
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
