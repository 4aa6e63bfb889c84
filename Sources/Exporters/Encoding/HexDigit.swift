import Telemetry

/// Lowercase hexadecimal, as W3C Trace Context and OTLP/JSON write ids.
enum HexDigit {
    @inline(__always)
    static func lowercase(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    /// 16 digits of `value`, most significant first, without quotes.
    static func append(_ value: UInt64, to out: inout [UInt8]) {
        var shift: UInt64 = 60
        while true {
            out.append(lowercase(UInt8(truncatingIfNeeded: value >> shift) & 0xF))
            if shift == 0 { break }
            shift -= 4
        }
    }

    /// A trace id as a quoted 32-digit JSON string.
    static func appendQuoted(_ id: TraceID, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        append(id.high, to: &out)
        append(id.low, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// A span id as a quoted 16-digit JSON string.
    static func appendQuoted(_ id: SpanID, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        append(id.value, to: &out)
        out.append(UInt8(ascii: "\""))
    }
}
