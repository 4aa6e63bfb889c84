/// Zipkin B3 propagation (github.com/openzipkin/b3-propagation), single and multi header,
/// read into the same TraceContext as traceparent. 64-bit trace ids are left-padded with
/// zeros, as the B3 spec says to when converting to 128 bits.
public enum B3 {
    public enum Sampling: Sendable, Hashable {
        case deny, accept, debug
    }

    /// What a B3 header said. `context` is nil for a sampling-only header (`b3: 0`); a
    /// missing `sampling` means the caller deferred the decision.
    public struct Header: Sendable, Hashable {
        public var context: TraceContext?
        public var sampling: Sampling?
        public var parentSpanID: SpanID?

        public init(context: TraceContext?, sampling: Sampling?, parentSpanID: SpanID?) {
            self.context = context
            self.sampling = sampling
            self.parentSpanID = parentSpanID
        }
    }

    /// `b3: {traceId}-{spanId}[-{sampling}[-{parentSpanId}]]` or a lone `0`/`1`/`d`.
    public static func parseSingle(_ header: String) -> Header? {
        let fields = header.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false).map { Array($0) }
        if fields.count == 1 {
            guard let sampling = sampling(fields[0]) else { return nil }
            return Header(context: nil, sampling: sampling, parentSpanID: nil)
        }
        guard fields.count <= 4, let traceID = parseTraceID(fields[0]), let spanID = parseSpanID(fields[1]) else { return nil }
        var decision: Sampling?
        if fields.count >= 3 {
            guard let value = sampling(fields[2]) else { return nil }
            decision = value
        }
        var parent: SpanID?
        if fields.count == 4 {
            guard let id = parseSpanID(fields[3]) else { return nil }
            parent = id
        }
        return Header(context: context(traceID, spanID, decision), sampling: decision, parentSpanID: parent)
    }

    /// The `X-B3-*` headers; `value` looks a header up by name (case-insensitively, as HTTP
    /// requires — that is the caller's map). Trace and span id must come together.
    public static func parseMulti(_ value: (String) -> String?) -> Header? {
        var decision: Sampling?
        if value("X-B3-Flags") == "1" {
            decision = .debug
        } else if let sampled = value("X-B3-Sampled") {
            // "true"/"false" are what early B3 clients sent; the spec asks readers to accept them.
            switch sampled {
            case "1", "true": decision = .accept
            case "0", "false": decision = .deny
            default: return nil
            }
        }
        let traceText = value("X-B3-TraceId"), spanText = value("X-B3-SpanId")
        guard let traceText, let spanText else {
            guard traceText == nil, spanText == nil, decision != nil else { return nil }
            return Header(context: nil, sampling: decision, parentSpanID: nil)
        }
        guard let traceID = parseTraceID(Array(traceText.utf8)), let spanID = parseSpanID(Array(spanText.utf8)) else { return nil }
        var parent: SpanID?
        if let parentText = value("X-B3-ParentSpanId") {
            guard let id = parseSpanID(Array(parentText.utf8)) else { return nil }
            parent = id
        }
        return Header(context: context(traceID, spanID, decision), sampling: decision, parentSpanID: parent)
    }

    private static func context(_ traceID: TraceID, _ spanID: SpanID, _ sampling: Sampling?) -> TraceContext {
        let sampled = sampling == .accept || sampling == .debug
        return TraceContext(traceID: traceID, spanID: spanID, flags: sampled ? TraceContext.sampledFlag : 0)
    }

    private static func sampling(_ field: [UInt8]) -> Sampling? {
        guard field.count == 1 else { return nil }
        switch field[0] {
        case UInt8(ascii: "0"): return .deny
        case UInt8(ascii: "1"): return .accept
        case UInt8(ascii: "d"): return .debug
        default: return nil
        }
    }

    private static func parseTraceID(_ field: [UInt8]) -> TraceID? {
        let id: TraceID?
        switch field.count {
        case 16: id = LowercaseHex.parse(field[...]).map { TraceID(high: 0, low: $0) }
        case 32: id = LowercaseHex.traceID(field[...])
        default: id = nil
        }
        guard let id, id.isValid else { return nil }
        return id
    }

    private static func parseSpanID(_ field: [UInt8]) -> SpanID? {
        guard field.count == 16, let value = LowercaseHex.parse(field[...]), value != 0 else { return nil }
        return SpanID(value)
    }
}
