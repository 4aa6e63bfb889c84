import Telemetry

extension OTLPSpans {
    /// The `ExportTraceServiceRequest` for `batches` in protobuf bytes, written directly:
    /// byte for byte what `request(batches).serializedBytes()` gives, without building the
    /// message tree (a storage object per span, a `KeyValue` and `AnyValue` per attribute)
    /// and walking it again for sizes.
    public static func serialize(_ batches: [TelemetryBatch]) -> [UInt8] {
        let groups = OTLPGrouping.spans(batches)
        var out: [UInt8] = []
        // A span with a handful of attributes is 150–400 bytes; growth covers the rest.
        out.reserveCapacity(batches.reduce(0) { $0 + $1.eventCount } * 256)
        OTLPRequestWriter.appendResourceGroups(groups, itemLengthGuess: 2, to: &out, item: appendSpan)
        return out
    }

    /// The fields of one `Span`, in field-number order, as `message(_:)` sets them.
    static func appendSpan(_ span: Span, to out: inout [UInt8]) {
        OTLPRequestWriter.appendTraceID(1, span.traceID, to: &out)
        OTLPRequestWriter.appendSpanID(2, span.spanID, to: &out)
        if !span.traceState.isEmpty { ProtobufWriter.appendStringField(3, span.traceState, to: &out) }
        if let parent = span.parentSpanID, parent.isValid { OTLPRequestWriter.appendSpanID(4, parent, to: &out) }
        if !span.name.isEmpty { ProtobufWriter.appendStringField(5, span.name, to: &out) }
        if span.kind != .unspecified { ProtobufWriter.appendVarintField(6, UInt64(span.kind.rawValue), to: &out) }
        let start = span.start.unixNano
        if start != 0 { ProtobufWriter.appendFixed64Field(7, start, to: &out) }
        let end = span.end.unixNano
        if end != 0 { ProtobufWriter.appendFixed64Field(8, end, to: &out) }
        OTLPAttributesWriter.append(span.attributes, field: 9, to: &out)
        if span.droppedAttributesCount != 0 { ProtobufWriter.appendVarintField(10, UInt64(span.droppedAttributesCount), to: &out) }
        for event in span.events {
            ProtobufWriter.appendMessageField(11, lengthGuess: 1, to: &out) { out in
                let time = event.timestamp.unixNano
                if time != 0 { ProtobufWriter.appendFixed64Field(1, time, to: &out) }
                if !event.name.isEmpty { ProtobufWriter.appendStringField(2, event.name, to: &out) }
                OTLPAttributesWriter.append(event.attributes, field: 3, to: &out)
                if event.droppedAttributesCount != 0 {
                    ProtobufWriter.appendVarintField(4, UInt64(event.droppedAttributesCount), to: &out)
                }
            }
        }
        if span.droppedEventsCount != 0 { ProtobufWriter.appendVarintField(12, UInt64(span.droppedEventsCount), to: &out) }
        for link in span.links {
            ProtobufWriter.appendMessageField(13, lengthGuess: 1, to: &out) { out in
                OTLPRequestWriter.appendTraceID(1, link.traceID, to: &out)
                OTLPRequestWriter.appendSpanID(2, link.spanID, to: &out)
                if !link.traceState.isEmpty { ProtobufWriter.appendStringField(3, link.traceState, to: &out) }
                OTLPAttributesWriter.append(link.attributes, field: 4, to: &out)
                if link.droppedAttributesCount != 0 {
                    ProtobufWriter.appendVarintField(5, UInt64(link.droppedAttributesCount), to: &out)
                }
                if link.flags != 0 { ProtobufWriter.appendFixed32Field(6, link.flags, to: &out) }
            }
        }
        if span.droppedLinksCount != 0 { ProtobufWriter.appendVarintField(14, UInt64(span.droppedLinksCount), to: &out) }
        if span.status != Span.Status() {
            // Status: 2 string message, 3 enum code (field 1 is reserved).
            ProtobufWriter.appendMessageField(15, lengthGuess: 1, to: &out) { out in
                if !span.status.message.isEmpty { ProtobufWriter.appendStringField(2, span.status.message, to: &out) }
                if span.status.code != .unset { ProtobufWriter.appendVarintField(3, UInt64(span.status.code.rawValue), to: &out) }
            }
        }
        if span.flags > 1 { ProtobufWriter.appendFixed32Field(16, span.flags, to: &out) }
    }
}
