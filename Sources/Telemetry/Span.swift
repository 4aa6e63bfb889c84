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
        /// Attributes the SDK dropped (over its limits) before sending.
        public var droppedAttributesCount: UInt32

        public init(name: String, timestamp: Timestamp, attributes: Attributes = Attributes(), droppedAttributesCount: UInt32 = 0) {
            self.name = name
            self.timestamp = timestamp
            self.attributes = attributes
            self.droppedAttributesCount = droppedAttributesCount
        }
    }

    public struct Link: Sendable, Hashable {
        public var traceID: TraceID
        public var spanID: SpanID
        public var traceState: String
        public var attributes: Attributes
        /// OTLP link flags, laid out as `Span.flags` (trace flags, and whether the linked
        /// context is remote).
        public var flags: UInt32
        public var droppedAttributesCount: UInt32

        public init(
            traceID: TraceID, spanID: SpanID, traceState: String = "", attributes: Attributes = Attributes(), flags: UInt32 = 0,
            droppedAttributesCount: UInt32 = 0
        ) {
            self.traceID = traceID
            self.spanID = spanID
            self.traceState = traceState
            self.attributes = attributes
            self.flags = flags
            self.droppedAttributesCount = droppedAttributesCount
        }
    }

    /// The bits of OTLP's span (and link) `flags` above the W3C trace flags.
    public enum FlagBits {
        /// Bit 8: the producer says whether the parent is remote (bit 9).
        public static let hasIsRemote: UInt32 = 0x100
        /// Bit 9: the parent (for a link: the linked span) is remote.
        public static let isRemote: UInt32 = 0x200
    }

    public var traceID: TraceID
    public var spanID: SpanID
    public var parentSpanID: SpanID?
    public var traceState: String
    /// OTLP's 32-bit span flags: bits 0-7 the W3C trace flags (`traceFlags`, bit 0 sampled),
    /// bits 8-9 whether the parent is remote (`parentIsRemote`); the rest reserved, kept as sent.
    public var flags: UInt32
    /// Attributes the SDK dropped (over its limits) before sending. Declared next to `flags`
    /// so that the two share one word of the layout.
    public var droppedAttributesCount: UInt32
    public var name: String
    public var kind: Kind
    public var start: Timestamp
    public var end: Timestamp
    public var attributes: Attributes
    public var events: [Event]
    public var links: [Link]
    public var status: Status
    public var scope: InstrumentationScope
    public var droppedEventsCount: UInt32
    public var droppedLinksCount: UInt32

    public init(
        traceID: TraceID, spanID: SpanID, parentSpanID: SpanID? = nil, traceState: String = "", flags: UInt32 = 1,
        name: String, kind: Kind = .internal, start: Timestamp, end: Timestamp, attributes: Attributes = Attributes(),
        events: [Event] = [], links: [Link] = [], status: Status = Status(), scope: InstrumentationScope = InstrumentationScope(),
        droppedAttributesCount: UInt32 = 0, droppedEventsCount: UInt32 = 0, droppedLinksCount: UInt32 = 0
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.traceState = traceState
        self.flags = flags
        self.droppedAttributesCount = droppedAttributesCount
        self.name = name
        self.kind = kind
        self.start = start
        self.end = end
        self.attributes = attributes
        self.events = events
        self.links = links
        self.status = status
        self.scope = scope
        self.droppedEventsCount = droppedEventsCount
        self.droppedLinksCount = droppedLinksCount
    }

    /// The W3C trace flags byte (bit 0: sampled): the low 8 bits of `flags`.
    public var traceFlags: UInt8 {
        get { UInt8(truncatingIfNeeded: flags) }
        set { flags = flags & ~0xFF | UInt32(newValue) }
    }

    /// Whether the parent span is remote (it came in through a propagator); nil when the
    /// producer did not say (bit 8 clear), as older SDKs do.
    public var parentIsRemote: Bool? {
        get { flags & FlagBits.hasIsRemote == 0 ? nil : flags & FlagBits.isRemote != 0 }
        set {
            flags &= ~(FlagBits.hasIsRemote | FlagBits.isRemote)
            if let newValue { flags |= FlagBits.hasIsRemote | (newValue ? FlagBits.isRemote : 0) }
        }
    }
}
