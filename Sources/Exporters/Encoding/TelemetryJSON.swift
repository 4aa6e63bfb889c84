import Telemetry

/// Writes telemetry as one JSON object per event straight into a byte buffer: the shapes
/// CONFIG.md promises for the `http`, `file` and `stdout` exporters (flat log and metric
/// objects, OTLP/JSON spans), framed as JSON lines or as one JSON array.
///
/// What is shared by many events (a batch's resource, a metric family's name/type/unit) is
/// encoded once per batch and copied, so the per-event cost is the event's own fields.
public struct TelemetryJSON: Sendable {
    public enum Framing: Sendable, Hashable {
        /// Each object followed by `\n` (NDJSON / JSON Lines).
        case lines
        /// `[obj,obj,…]`; an empty batch is `[]`.
        case array
    }

    public private(set) var bytes: [UInt8] = []
    /// Objects written so far.
    public private(set) var eventCount = 0
    public let framing: Framing

    public init(framing: Framing, reservingCapacity capacity: Int = 0) {
        self.framing = framing
        bytes.reserveCapacity(capacity)
        if framing == .array { bytes.append(UInt8(ascii: "[")) }
    }

    public mutating func append(_ batch: TelemetryBatch) {
        switch batch.payload {
        case .logs(let records):
            let resource = Self.encodeFlatResource(batch.resource)
            var memo = LogRecordJSON.AttributesMemo()
            for record in records {
                beginEvent()
                LogRecordJSON.append(record, encodedResource: resource, memo: &memo, to: &bytes)
                endEvent()
            }
        case .metrics(let metrics):
            let suffix = MetricSampleJSON.suffix(
                timestamp: metrics.timestamp, encodedResource: Self.encodeFlatResource(batch.resource))
            for family in metrics.families where !family.samples.isEmpty {
                let prefix = MetricSampleJSON.prefix(of: family)
                for sample in family.samples {
                    beginEvent()
                    MetricSampleJSON.append(sample, prefix: prefix, suffix: suffix, to: &bytes)
                    endEvent()
                }
            }
        case .spans(let spans):
            let resource = SpanJSON.encodeResource(batch.resource)
            for span in spans {
                beginEvent()
                SpanJSON.append(span, encodedResource: resource, to: &bytes)
                endEvent()
            }
        }
    }

    /// The finished document: closes the array framing; JSON lines need nothing more.
    public consuming func finish() -> [UInt8] {
        if framing == .array { bytes.append(UInt8(ascii: "]")) }
        return bytes
    }

    private mutating func beginEvent() {
        if framing == .array && eventCount > 0 { bytes.append(UInt8(ascii: ",")) }
        eventCount += 1
    }

    private mutating func endEvent() {
        if framing == .lines { bytes.append(UInt8(ascii: "\n")) }
    }

    private static func encodeFlatResource(_ resource: Resource) -> [UInt8] {
        var out: [UInt8] = []
        JSONAttributes.appendObject(resource.attributes, to: &out)
        return out
    }
}
