import Telemetry

/// The disk buffer's record format: one `TelemetryBatch` as compact, versioned bytes.
///
/// Layout: `version` (1 byte), event count and estimated bytes (varints, so a reader can
/// size a record without decoding it), payload kind (1 byte, its high bit set when the
/// resource has a schema URL), the resource's attributes (and that URL), then the payload.
/// Varints for lengths and counts, fixed-width little-endian for timestamps, ids and
/// doubles. Repeated per-event values that are usually equal to the
/// previous event's (scope, severity text, a family's label names) are written once and
/// flagged after that. Fields added since version 1 are announced by flag bits that older
/// records never set, so those still decode and records without the new fields are
/// byte-for-byte what version 1 wrote. Decoding never traps on untrusted bytes: it throws a
/// `BatchCodecError` naming the field and offset.
public enum BatchCodec {
    /// Bumped on any change to the layout; a reader refuses versions it does not know.
    public static let version: UInt8 = 1
    /// Nesting limit for attribute values (arrays and maps), so crafted bytes cannot
    /// exhaust the stack. Deeper values than any real SDK sends.
    public static let maxDepth = 64

    enum PayloadTag: UInt8 {
        case logs = 0, metrics, spans
    }

    /// Set on the payload kind byte when the resource's schema URL follows its attributes.
    static let resourceSchemaFlag: UInt8 = 0x80

    public static func encode(_ batch: TelemetryBatch) -> [UInt8] {
        encode(batch, events: batch.eventCount, estimatedBytes: batch.estimatedBytes)
    }

    /// With the sizes a `BufferItem` already measured, so they are not computed twice.
    static func encode(_ batch: TelemetryBatch, events: Int, estimatedBytes: Int) -> [UInt8] {
        var writer = ByteWriter(capacity: estimatedBytes + 16)
        writer.u8(version)
        writer.varint(events)
        writer.varint(estimatedBytes)
        let tag: PayloadTag = switch batch.payload {
        case .logs: .logs
        case .metrics: .metrics
        case .spans: .spans
        }
        let schemaURL = batch.resource.schemaURL
        writer.u8(tag.rawValue | (schemaURL.isEmpty ? 0 : resourceSchemaFlag))
        attributes(batch.resource.attributes, into: &writer)
        if !schemaURL.isEmpty { writer.string(schemaURL) }
        switch batch.payload {
        case .logs(let records): logs(records, into: &writer)
        case .metrics(let metrics): self.metrics(metrics, into: &writer)
        case .spans(let spans): self.spans(spans, into: &writer)
        }
        return writer.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(BatchCodecError) -> TelemetryBatch {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(BatchCodecError) -> TelemetryBatch in
                var reader = ByteReader(buffer)
                return try decode(&reader)
            }
        }
        return try result.get()
    }

    /// The sizes at the front of a record, without decoding the rest.
    public static func header(_ bytes: [UInt8]) throws(BatchCodecError) -> BatchCodecHeader {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(BatchCodecError) -> BatchCodecHeader in
                var reader = ByteReader(buffer)
                return try prefix(&reader).header
            }
        }
        return try result.get()
    }

    /// The header, and whether the resource's schema URL follows its attributes.
    private static func prefix(_ reader: inout ByteReader) throws(BatchCodecError) -> (header: BatchCodecHeader, resourceSchema: Bool) {
        let version = try reader.u8("version")
        guard version == Self.version else { throw .unknownVersion(version) }
        let events = try reader.varint("event count")
        let bytes = try reader.varint("estimated bytes")
        let tagOffset = reader.offset
        let tag = try reader.u8("payload kind")
        let signal: Signal
        switch PayloadTag(rawValue: tag & ~resourceSchemaFlag) {
        case .logs: signal = .logs
        case .metrics: signal = .metrics
        case .spans: signal = .traces
        case nil: throw .badTag(field: "payload kind", offset: tagOffset, tag: tag)
        }
        // Counts above Int.max are garbage; clamping keeps the arithmetic of callers safe.
        let header = BatchCodecHeader(events: Int(clamping: events), estimatedBytes: Int(clamping: bytes), signal: signal)
        return (header, tag & resourceSchemaFlag != 0)
    }

    private static func decode(_ reader: inout ByteReader) throws(BatchCodecError) -> TelemetryBatch {
        let (header, resourceSchema) = try prefix(&reader)  // also reads the payload kind
        var resource = Resource(attributes: try attributes(&reader, depth: 0))
        if resourceSchema { resource.schemaURL = try reader.string("resource schema url") }
        let batch: TelemetryBatch
        switch header.signal {
        case .logs: batch = .logs(try logs(&reader), resource: resource)
        case .metrics: batch = .metrics(try metrics(&reader), resource: resource)
        case .traces: batch = .spans(try spans(&reader), resource: resource)
        }
        guard reader.remaining == 0 else { throw .trailingBytes(offset: reader.offset, count: reader.remaining) }
        let events = batch.eventCount
        guard events == header.events else { throw .eventCountMismatch(header: header.events, decoded: events) }
        return batch
    }
}
