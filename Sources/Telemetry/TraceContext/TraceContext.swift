/// The trace context a request carried in (traceparent or B3), in one shape, so sampling and
/// log–trace correlation need not know which header it came from.
public struct TraceContext: Sendable, Hashable {
    public var traceID: TraceID
    /// The caller's span: W3C `parent-id`, B3 `SpanId`.
    public var spanID: SpanID
    /// W3C trace-flags byte, kept whole so unknown bits survive a round trip.
    public var flags: UInt8

    public init(traceID: TraceID, spanID: SpanID, flags: UInt8) {
        self.traceID = traceID
        self.spanID = spanID
        self.flags = flags
    }

    public static let sampledFlag: UInt8 = 0x01

    public var isSampled: Bool { flags & Self.sampledFlag != 0 }
}

/// Lowercase-only hex, as W3C Trace Context requires (uppercase makes the header invalid).
enum LowercaseHex {
    static func parse(_ bytes: ArraySlice<UInt8>) -> UInt64? {
        guard bytes.count <= 16 else { return nil }
        return HexDigit.parse(bytes, lowercaseOnly: true)
    }

    static func traceID(_ bytes: ArraySlice<UInt8>) -> TraceID? {
        guard bytes.count == 32, let high = parse(bytes.prefix(16)), let low = parse(bytes.suffix(16)) else { return nil }
        return TraceID(high: high, low: low)
    }
}
