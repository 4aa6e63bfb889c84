/// One finished span, as OTLP carries it.
public struct Span: Sendable, Hashable {
    public enum Kind: UInt8, Sendable, Hashable {
        case unspecified = 0, `internal`, server, client, producer, consumer
    }

    public struct Status: Sendable, Hashable {
        public enum Code: UInt8, Sendable, Hashable { case unset = 0, ok, error }
        public var code: Code
        public var message: String

        public init(code: Code = .unset, message: String = "") {
            self.code = code
            self.message = message
        }
    }

    public struct Event: Sendable, Hashable {
        public var name: String
        public var timestamp: Timestamp
        public var attributes: Attributes

        public init(name: String, timestamp: Timestamp, attributes: Attributes = Attributes()) {
            self.name = name
            self.timestamp = timestamp
            self.attributes = attributes
        }
    }

    public struct Link: Sendable, Hashable {
        public var traceID: TraceID
        public var spanID: SpanID
        public var traceState: String
        public var attributes: Attributes

        public init(traceID: TraceID, spanID: SpanID, traceState: String = "", attributes: Attributes = Attributes()) {
            self.traceID = traceID
            self.spanID = spanID
            self.traceState = traceState
            self.attributes = attributes
        }
    }

    public var traceID: TraceID
    public var spanID: SpanID
    public var parentSpanID: SpanID?
    public var traceState: String
    public var flags: UInt8
    public var name: String
    public var kind: Kind
    public var start: Timestamp
    public var end: Timestamp
    public var attributes: Attributes
    public var events: [Event]
    public var links: [Link]
    public var status: Status
    public var scope: InstrumentationScope

    public init(
        traceID: TraceID, spanID: SpanID, parentSpanID: SpanID? = nil, traceState: String = "", flags: UInt8 = 1,
        name: String, kind: Kind = .internal, start: Timestamp, end: Timestamp, attributes: Attributes = Attributes(),
        events: [Event] = [], links: [Link] = [], status: Status = Status(), scope: InstrumentationScope = InstrumentationScope()
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.traceState = traceState
        self.flags = flags
        self.name = name
        self.kind = kind
        self.start = start
        self.end = end
        self.attributes = attributes
        self.events = events
        self.links = links
        self.status = status
        self.scope = scope
    }
}
