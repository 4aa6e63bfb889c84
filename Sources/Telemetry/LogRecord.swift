/// One log event. The body is the original line (or message) as UTF-8 bytes: sources frame
/// lines as bytes and nothing on the hot path turns them into `String`s.
public struct LogRecord: Sendable, Hashable {
    /// When the event happened, if the line or the SDK said so.
    public var timestamp: Timestamp?
    /// When Outrider (or the SDK) saw it.
    public var observedTimestamp: Timestamp
    public var severity: Severity
    public var body: [UInt8]
    public var attributes: Attributes
    public var traceID: TraceID?
    public var spanID: SpanID?
    /// W3C trace flags (bit 0: sampled). OTLP's log `flags` is 32 bits wide, but only bits
    /// 0-7 are defined (the trace flags) and the rest is reserved, so a byte holds it all.
    public var flags: UInt8
    /// Attributes the SDK dropped (over its limits) before sending. Declared next to `flags`
    /// so that it fills the padding after it instead of adding a word.
    public var droppedAttributesCount: UInt32
    public var scope: InstrumentationScope
    /// OTLP's `event_name`: the record is an event of this name (the Events API); empty
    /// for plain log records.
    public var eventName: String

    public init(
        timestamp: Timestamp? = nil, observedTimestamp: Timestamp, severity: Severity = .unspecified, body: [UInt8],
        attributes: Attributes = Attributes(), traceID: TraceID? = nil, spanID: SpanID? = nil, flags: UInt8 = 0,
        scope: InstrumentationScope = InstrumentationScope(), eventName: String = "", droppedAttributesCount: UInt32 = 0
    ) {
        self.timestamp = timestamp
        self.observedTimestamp = observedTimestamp
        self.severity = severity
        self.body = body
        self.attributes = attributes
        self.traceID = traceID
        self.spanID = spanID
        self.flags = flags
        self.droppedAttributesCount = droppedAttributesCount
        self.scope = scope
        self.eventName = eventName
    }
}
