import Telemetry

extension OTLPSpans {
    /// The `ExportTraceServiceRequest` for `batches` in protobuf bytes, written directly:
    /// byte for byte what `request(batches).serializedBytes()` gives, without building the
    /// message tree (a storage object per span, a `KeyValue` and `AnyValue` per attribute)
    /// and walking it again for sizes.
    public static func serialize(_ batches: [TelemetryBatch]) -> [UInt8] {
        // A span with a handful of attributes is 150–400 bytes: room for 400 saves growing
        // (a copy into fresh pages) in the common case.
        let capacity = 64 + batches.reduce(0) { $0 + $1.eventCount } * 400
        return OTLPRequestWriter.request(OTLPGrouping.spanRuns(batches), capacity: capacity) { run, out in
            guard case .spans(let spans) = batches[run.batch].payload else { return }
            spans.withUnsafeBufferPointer { spans in
                for index in run.items {
                    // ScopeSpans 2: a span, usually 128 bytes to 16 KiB.
                    out.appendMessageField(2, lengthGuess: 2) { out in appendSpan(spans[index], to: &out) }
                }
            }
        }
    }

    /// The fields of one `Span`, in field-number order, as `message(_:)` sets them.
    static func appendSpan(_ span: Span, to out: inout ProtobufWriter) {
        OTLPRequestWriter.appendTraceID(1, span.traceID, to: &out)
        OTLPRequestWriter.appendSpanID(2, span.spanID, to: &out)
        if !span.traceState.isEmpty { out.appendStringField(3, span.traceState) }
        if let parent = span.parentSpanID, parent.isValid { OTLPRequestWriter.appendSpanID(4, parent, to: &out) }
        if !span.name.isEmpty { out.appendStringField(5, span.name) }
        if span.kind != .unspecified { out.appendVarintField(6, UInt64(span.kind.rawValue)) }
        let start = span.start.unixNano
        if start != 0 { out.appendFixed64Field(7, start) }
        let end = span.end.unixNano
        if end != 0 { out.appendFixed64Field(8, end) }
        OTLPAttributesWriter.append(span.attributes, field: 9, to: &out)
        if span.droppedAttributesCount != 0 { out.appendVarintField(10, UInt64(span.droppedAttributesCount)) }
        for event in span.events {
            out.appendMessageField(11) { out in
                let time = event.timestamp.unixNano
                if time != 0 { out.appendFixed64Field(1, time) }
                if !event.name.isEmpty { out.appendStringField(2, event.name) }
                OTLPAttributesWriter.append(event.attributes, field: 3, to: &out)
                if event.droppedAttributesCount != 0 { out.appendVarintField(4, UInt64(event.droppedAttributesCount)) }
            }
        }
        if span.droppedEventsCount != 0 { out.appendVarintField(12, UInt64(span.droppedEventsCount)) }
        for link in span.links {
            out.appendMessageField(13) { out in
                OTLPRequestWriter.appendTraceID(1, link.traceID, to: &out)
                OTLPRequestWriter.appendSpanID(2, link.spanID, to: &out)
                if !link.traceState.isEmpty { out.appendStringField(3, link.traceState) }
                OTLPAttributesWriter.append(link.attributes, field: 4, to: &out)
                if link.droppedAttributesCount != 0 { out.appendVarintField(5, UInt64(link.droppedAttributesCount)) }
                if link.flags != 0 { out.appendFixed32Field(6, link.flags) }
            }
        }
        if span.droppedLinksCount != 0 { out.appendVarintField(14, UInt64(span.droppedLinksCount)) }
        if span.status != Span.Status() {
            // Status: 2 string message, 3 enum code (field 1 is reserved).
            out.appendMessageField(15) { out in
                if !span.status.message.isEmpty { out.appendStringField(2, span.status.message) }
                if span.status.code != .unset { out.appendVarintField(3, UInt64(span.status.code.rawValue)) }
            }
        }
        if span.flags != 0 { out.appendFixed32Field(16, span.flags) }
    }
}
