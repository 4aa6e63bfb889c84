#if canImport(Glibc)
import Telemetry
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// RFC 3339 UTC timestamps written straight into a byte buffer (no Foundation formatter,
/// no String per call): the agent's log lines and /status use them.
public enum RFC3339 {
    /// Appends e.g. `2026-11-24T08:16:54.123Z` (`fractionDigits` 3) or `…54.123456789Z` (9).
    public static func append(_ time: Timestamp, fractionDigits: Int = 3, to out: inout [UInt8]) {
        var seconds = time_t(time.nanosecondsSinceEpoch.floorDiv(1_000_000_000))
        let nanos = Int(time.nanosecondsSinceEpoch - Int64(seconds) * 1_000_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        appendDigits(Int(parts.tm_year) + 1900, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(Int(parts.tm_mon) + 1, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(Int(parts.tm_mday), width: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        appendDigits(Int(parts.tm_hour), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(Int(parts.tm_min), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(Int(parts.tm_sec), width: 2, to: &out)
        if fractionDigits > 0 {
            out.append(UInt8(ascii: "."))
            var divisor = 1
            for _ in 0..<(9 - min(fractionDigits, 9)) { divisor *= 10 }
            appendDigits(nanos / divisor, width: min(fractionDigits, 9), to: &out)
        }
        out.append(UInt8(ascii: "Z"))
    }

    public static func string(_ time: Timestamp, fractionDigits: Int = 3) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        append(time, fractionDigits: fractionDigits, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendDigits(_ value: Int, width: Int, to out: inout [UInt8]) {
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: width)
        var rest = value
        var index = width - 1
        while index >= 0 {
            digits[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
            index -= 1
        }
        out.append(contentsOf: digits)
    }
}

extension Int64 {
    /// Division rounding toward negative infinity, so times before 1970 format correctly.
    fileprivate func floorDiv(_ divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor < 0) ? quotient - 1 : quotient
    }
}
