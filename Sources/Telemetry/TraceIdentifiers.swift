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
    public var hex: String { HexDigit.string(high) + HexDigit.string(low) }

    /// From exactly 32 hex digits (either case); nil otherwise.
    public init?<Bytes: Collection>(hex bytes: Bytes) where Bytes.Element == UInt8 {
        guard bytes.count == 32, let high = HexDigit.parse(bytes.prefix(16)), let low = HexDigit.parse(bytes.dropFirst(16))
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
    public var hex: String { HexDigit.string(value) }

    public init?<Bytes: Collection>(hex bytes: Bytes) where Bytes.Element == UInt8 {
        guard bytes.count == 16, let value = HexDigit.parse(bytes) else { return nil }
        self.init(value)
    }
}

extension TraceID {
    /// From exactly 32 hex digits in raw bytes: the non-generic path for parsers.
    public init?(hexBytes bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 32, let high = HexDigit.parse(bytes, from: 0, count: 16),
              let low = HexDigit.parse(bytes, from: 16, count: 16) else { return nil }
        self.init(high: high, low: low)
    }
}

extension SpanID {
    /// From exactly 16 hex digits in raw bytes: the non-generic path for parsers.
    public init?(hexBytes bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 16, let value = HexDigit.parse(bytes, from: 0, count: 16) else { return nil }
        self.init(value)
    }
}
