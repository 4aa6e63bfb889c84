/// A W3C / OpenTelemetry trace id: 16 bytes, all zero is invalid.
public struct TraceID: Sendable, Hashable {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public var isValid: Bool { high != 0 || low != 0 }

    /// 32 lowercase hex digits, as traceparent and OTLP/JSON write it.
    public var hex: String { HexDigits.string(high) + HexDigits.string(low) }

    /// From exactly 32 hex digits (either case); nil otherwise.
    public init?<Bytes: Collection>(hex bytes: Bytes) where Bytes.Element == UInt8 {
        guard bytes.count == 32, let high = HexDigits.parse(bytes.prefix(16)), let low = HexDigits.parse(bytes.dropFirst(16))
        else { return nil }
        self.init(high: high, low: low)
    }
}

/// A W3C / OpenTelemetry span id: 8 bytes, all zero is invalid.
public struct SpanID: Sendable, Hashable {
    public var value: UInt64

    public init(_ value: UInt64) {
        self.value = value
    }

    public var isValid: Bool { value != 0 }

    /// 16 lowercase hex digits.
    public var hex: String { HexDigits.string(value) }

    public init?<Bytes: Collection>(hex bytes: Bytes) where Bytes.Element == UInt8 {
        guard bytes.count == 16, let value = HexDigits.parse(bytes) else { return nil }
        self.init(value)
    }
}

enum HexDigits {
    static func string(_ value: UInt64) -> String {
        var digits = [UInt8](repeating: 0, count: 16)
        append(value, into: &digits)
        return String(decoding: digits, as: UTF8.self)
    }

    /// 16 lowercase hex digits of `value` into `digits[0..<16]`.
    static func append(_ value: UInt64, into digits: inout [UInt8]) {
        let table: StaticString = "0123456789abcdef"
        table.withUTF8Buffer { hex in
            for index in 0..<16 {
                digits[index] = hex[Int((value >> UInt64(60 - index * 4)) & 0xF)]
            }
        }
    }

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
