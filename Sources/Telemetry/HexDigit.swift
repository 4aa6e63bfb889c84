/// Lowercase hexadecimal, as W3C Trace Context, OTLP/JSON and JSON `\u00XX` escapes write it.
public enum HexDigit {
    @inline(__always)
    public static func lowercase(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    /// 16 digits of `value`, most significant first.
    public static func append(_ value: UInt64, to out: inout [UInt8]) {
        var shift: UInt64 = 60
        while true {
            out.append(lowercase(UInt8(truncatingIfNeeded: value >> shift) & 0xF))
            if shift == 0 { break }
            shift -= 4
        }
    }

    /// A trace id as a quoted 32-digit JSON string.
    public static func appendQuoted(_ id: TraceID, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        append(id.high, to: &out)
        append(id.low, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// A span id as a quoted 16-digit JSON string.
    public static func appendQuoted(_ id: SpanID, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        append(id.value, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    static func string(_ value: UInt64) -> String {
        var digits: [UInt8] = []
        digits.reserveCapacity(16)
        append(value, to: &digits)
        return String(decoding: digits, as: UTF8.self)
    }

    /// `count` hex digits of either case at `start` in raw bytes (a framed log line); nil on
    /// anything else. Not generic, so callers in other modules get the specialised loop.
    public static func parse(_ bytes: UnsafeRawBufferPointer, from start: Int, count: Int) -> UInt64? {
        guard start >= 0, count <= 16, start + count <= bytes.count else { return nil }
        var value: UInt64 = 0
        for index in start..<(start + count) {
            let byte = bytes[index]
            let nibble: UInt8
            if byte &- UInt8(ascii: "0") < 10 {
                nibble = byte &- UInt8(ascii: "0")
            } else if (byte | 0x20) &- UInt8(ascii: "a") < 6 {
                nibble = (byte | 0x20) &- UInt8(ascii: "a") &+ 10
            } else {
                return nil
            }
            value = value << 4 | UInt64(nibble)
        }
        return value
    }

    /// Hex digits of either case; nil on anything else.
    static func parse<Bytes: Collection>(_ bytes: Bytes) -> UInt64? where Bytes.Element == UInt8 {
        var value: UInt64 = 0
        for byte in bytes {
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt64(nibble)
        }
        return value
    }
}
