#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Telemetry

/// Spans ⇄ OTLP `ExportTraceServiceRequest`.
///
/// A span needs a 16-byte trace id and an 8-byte span id, and its parent and links ids of
/// those lengths too: a span that breaks this is rejected whole (its place in the trace is
/// unknown). Span and link `flags` (trace flags and the is-remote bits), dropped counts,
/// scope attributes and schema URLs are carried as sent. A kind or status code beyond the
/// known ones reads as unspecified / unset.
public enum OTLPSpans {
    /// The request as swift-protobuf messages: the exporter writes its bytes directly
    /// (`serialize`, OTLP/Wire), and this tree is what those bytes are tested against.
    public static func request(_ batches: [TelemetryBatch]) -> OTLPTraceRequest {
        var request = OTLPTraceRequest()
        request.resourceSpans = OTLPGrouping.spans(batches).map { group in
            var resourceSpans = Opentelemetry_Proto_Trace_V1_ResourceSpans()
            resourceSpans.resource = group.resource.otlpMessage
            resourceSpans.schemaURL = group.resource.schemaURL
            resourceSpans.scopeSpans = group.scopes.map { scopeGroup in
                var scopeSpans = Opentelemetry_Proto_Trace_V1_ScopeSpans()
                if !scopeGroup.scope.isEmpty { scopeSpans.scope = scopeGroup.scope.otlpMessage }
                scopeSpans.schemaURL = scopeGroup.scope.schemaURL
                scopeSpans.spans = scopeGroup.items.map(message)
                return scopeSpans
            }
            return resourceSpans
        }
        return request
    }

    static func message(_ span: Span) -> ProtoSpan {
        var message = ProtoSpan()
        message.traceID = span.traceID.otlpBytes
        message.spanID = span.spanID.otlpBytes
        message.parentSpanID = OTLPOptionalID.bytes(span.parentSpanID)
        message.traceState = span.traceState
        message.flags = span.flags
        message.name = span.name
        message.kind = .init(rawValue: Int(span.kind.rawValue)) ?? .unspecified
        message.startTimeUnixNano = span.start.unixNano
        message.endTimeUnixNano = span.end.unixNano
        message.attributes = OTLPAttributes.keyValues(span.attributes)
        message.droppedAttributesCount = span.droppedAttributesCount
        message.events = span.events.map { event in
            var message = ProtoSpan.Event()
            message.timeUnixNano = event.timestamp.unixNano
            message.name = event.name
            message.attributes = OTLPAttributes.keyValues(event.attributes)
            message.droppedAttributesCount = event.droppedAttributesCount
            return message
        }
        message.droppedEventsCount = span.droppedEventsCount
        message.links = span.links.map { link in
            var message = ProtoSpan.Link()
            message.traceID = link.traceID.otlpBytes
            message.spanID = link.spanID.otlpBytes
            message.traceState = link.traceState
            message.attributes = OTLPAttributes.keyValues(link.attributes)
            message.droppedAttributesCount = link.droppedAttributesCount
            message.flags = link.flags
            return message
        }
        message.droppedLinksCount = span.droppedLinksCount
        if span.status != Span.Status() {
            var status = Opentelemetry_Proto_Trace_V1_Status()
            status.code = .init(rawValue: Int(span.status.code.rawValue)) ?? .unset
            status.message = span.status.message
            message.status = status
        }
        return message
    }

    public static func batches(from request: OTLPTraceRequest) -> OTLPDecoded {
        var partial = OTLPPartialSuccess()
        var batches: [TelemetryBatch] = []
        for resourceSpans in request.resourceSpans {
            let resource = Resource(otlp: resourceSpans.resource, schemaURL: resourceSpans.schemaURL, notes: &partial)
            var spans: [Span] = []
            for scopeSpans in resourceSpans.scopeSpans {
                let scope = InstrumentationScope(otlp: scopeSpans.scope, schemaURL: scopeSpans.schemaURL, notes: &partial)
                spans.reserveCapacity(spans.count + scopeSpans.spans.count)
                for message in scopeSpans.spans {
                    do throws(OTLPOptionalID.WrongLength) {
                        spans.append(try span(message, scope: scope, notes: &partial))
                    } catch {
                        partial.reject(1, "span \(OTLPReasonText.quote(message.name)): \(error.description)")
                    }
                }
            }
            if !spans.isEmpty { batches.append(.spans(spans, resource: resource)) }
        }
        return OTLPDecoded(batches: batches, partialSuccess: partial)
    }

    static func span(_ message: ProtoSpan, scope: InstrumentationScope, notes: inout OTLPPartialSuccess) throws(OTLPOptionalID.WrongLength) -> Span {
        let traceID = try requiredTraceID(message.traceID, field: "trace_id")
        let spanID = try requiredSpanID(message.spanID, field: "span_id")
        let parent = try OTLPOptionalID.span(message.parentSpanID, field: "parent_span_id")
        var links: [Span.Link] = []
        links.reserveCapacity(message.links.count)
        for (index, link) in message.links.enumerated() {
            links.append(Span.Link(
                traceID: try requiredTraceID(link.traceID, field: "links[\(index)].trace_id"),
                spanID: try requiredSpanID(link.spanID, field: "links[\(index)].span_id"),
                traceState: link.traceState,
                attributes: OTLPAttributes.attributes(link.attributes, owner: "span link", notes: &notes),
                flags: link.flags, droppedAttributesCount: link.droppedAttributesCount))
        }
        let events = message.events.map { event in
            Span.Event(
                name: event.name, timestamp: Timestamp(unixNano: event.timeUnixNano),
                attributes: OTLPAttributes.attributes(event.attributes, owner: "span event", notes: &notes),
                droppedAttributesCount: event.droppedAttributesCount)
        }
        let statusCode = Span.Status.Code(rawValue: UInt8(clamping: max(0, message.status.code.rawValue))) ?? .unset
        return Span(
            traceID: traceID, spanID: spanID, parentSpanID: parent, traceState: message.traceState,
            flags: message.flags, name: message.name,
            kind: Span.Kind(rawValue: UInt8(clamping: max(0, message.kind.rawValue))) ?? .unspecified,
            start: Timestamp(unixNano: message.startTimeUnixNano), end: Timestamp(unixNano: message.endTimeUnixNano),
            attributes: OTLPAttributes.attributes(message.attributes, owner: "span", notes: &notes),
            events: events, links: links, status: Span.Status(code: statusCode, message: message.status.message), scope: scope,
            droppedAttributesCount: message.droppedAttributesCount, droppedEventsCount: message.droppedEventsCount,
            droppedLinksCount: message.droppedLinksCount)
    }

    private static func requiredTraceID(_ data: Data, field: String) throws(OTLPOptionalID.WrongLength) -> TraceID {
        guard let id = TraceID(otlpBytes: data) else { throw OTLPOptionalID.WrongLength(field: field, count: data.count, expected: 16) }
        return id
    }

    private static func requiredSpanID(_ data: Data, field: String) throws(OTLPOptionalID.WrongLength) -> SpanID {
        guard let id = SpanID(otlpBytes: data) else { throw OTLPOptionalID.WrongLength(field: field, count: data.count, expected: 8) }
        return id
    }
}
