import Telemetry

/// One span in the OTLP/JSON mapping (opentelemetry-proto `Span`, JSON Protobuf Encoding:
/// lowerCamelCase keys, ids as lowercase hex, int64/fixed64 times as decimal strings, enums
/// as integers) plus `"resource"` in OTLP's `Resource` shape, so each line is a span an
/// OTLP/JSON reader understands without the surrounding `resourceSpans` envelope.
///
/// Absent fields are omitted as in the logs shape: `parentSpanId` for a root span,
/// `traceState` and `status.message` when empty, dropped counts and link `flags` when zero
/// (proto3 JSON leaves out default values). Lists (`attributes`, `events`, `links`) and the
/// span's numbers (`flags`, `kind`, `status.code`) are always written. The instrumentation
/// scope lives on OTLP's `ScopeSpans`, not on `Span`, so it is not part of this shape.
enum SpanJSON {
    /// - Parameter encodedResource: `{"attributes":[…]}`, encoded once per batch.
    static func append(_ span: Span, encodedResource: [UInt8], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        appendMembers(span, to: &out)
        out.appendLiteral(",\"resource\":")
        out.append(contentsOf: encodedResource)
        out.append(UInt8(ascii: "}"))
    }

    /// Just the OTLP/JSON `Span`, as an OTLP/JSON request's `scopeSpans[].spans[]` holds it.
    static func append(_ span: Span, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        appendMembers(span, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// The span's members, without the braces around them.
    private static func appendMembers(_ span: Span, to out: inout [UInt8]) {
        out.appendLiteral("\"traceId\":")
        HexDigit.appendQuoted(span.traceID, to: &out)
        out.appendLiteral(",\"spanId\":")
        HexDigit.appendQuoted(span.spanID, to: &out)
        if !span.traceState.isEmpty {
            out.appendLiteral(",\"traceState\":")
            JSONString.append(span.traceState, to: &out)
        }
        if let parent = span.parentSpanID, parent.isValid {
            out.appendLiteral(",\"parentSpanId\":")
            HexDigit.appendQuoted(parent, to: &out)
        }
        out.appendLiteral(",\"flags\":")
        DecimalDigits.append(UInt64(span.flags), to: &out)
        out.appendLiteral(",\"name\":")
        JSONString.append(span.name, to: &out)
        out.appendLiteral(",\"kind\":")
        DecimalDigits.append(UInt64(span.kind.rawValue), to: &out)
        out.appendLiteral(",\"startTimeUnixNano\":")
        JSONNumber.appendUnixNano(span.start, to: &out)
        out.appendLiteral(",\"endTimeUnixNano\":")
        JSONNumber.appendUnixNano(span.end, to: &out)
        out.appendLiteral(",\"attributes\":")
        OTLPJSONAttributes.appendList(span.attributes, to: &out)
        JSONNumber.appendMember(",\"droppedAttributesCount\":", span.droppedAttributesCount, to: &out)
        out.appendLiteral(",\"events\":[")
        for (index, event) in span.events.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.appendLiteral("{\"timeUnixNano\":")
            JSONNumber.appendUnixNano(event.timestamp, to: &out)
            out.appendLiteral(",\"name\":")
            JSONString.append(event.name, to: &out)
            out.appendLiteral(",\"attributes\":")
            OTLPJSONAttributes.appendList(event.attributes, to: &out)
            JSONNumber.appendMember(",\"droppedAttributesCount\":", event.droppedAttributesCount, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        JSONNumber.appendMember(",\"droppedEventsCount\":", span.droppedEventsCount, to: &out)
        out.appendLiteral(",\"links\":[")
        for (index, link) in span.links.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.appendLiteral("{\"traceId\":")
            HexDigit.appendQuoted(link.traceID, to: &out)
            out.appendLiteral(",\"spanId\":")
            HexDigit.appendQuoted(link.spanID, to: &out)
            if !link.traceState.isEmpty {
                out.appendLiteral(",\"traceState\":")
                JSONString.append(link.traceState, to: &out)
            }
            out.appendLiteral(",\"attributes\":")
            OTLPJSONAttributes.appendList(link.attributes, to: &out)
            JSONNumber.appendMember(",\"droppedAttributesCount\":", link.droppedAttributesCount, to: &out)
            JSONNumber.appendMember(",\"flags\":", link.flags, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        JSONNumber.appendMember(",\"droppedLinksCount\":", span.droppedLinksCount, to: &out)
        out.appendLiteral(",\"status\":{\"code\":")
        DecimalDigits.append(UInt64(span.status.code.rawValue), to: &out)
        if !span.status.message.isEmpty {
            out.appendLiteral(",\"message\":")
            JSONString.append(span.status.message, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// `{"attributes":[…]}`: OTLP's `Resource` message.
    static func encodeResource(_ resource: Resource) -> [UInt8] {
        var out: [UInt8] = []
        out.appendLiteral("{\"attributes\":")
        OTLPJSONAttributes.appendList(resource.attributes, to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }
}
