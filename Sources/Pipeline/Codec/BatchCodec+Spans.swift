import Telemetry

// Records written before 32-bit span flags, link flags, dropped counts and scope details
// existed have none of those flag bits set, so they decode unchanged: no version bump.
extension BatchCodec {
    enum SpanFlag {
        static let parent: UInt8 = 1 << 0
        static let sameScope: UInt8 = 1 << 1
        /// The span's flags have bits above the trace flags byte (OTLP's is-remote bits):
        /// a varint with `flags >> 8` follows that byte.
        static let wideFlags: UInt8 = 1 << 2
        /// Each link ends with its flags and dropped-attributes count (varints).
        static let linkDetails: UInt8 = 1 << 3
        /// Each event ends with its dropped-attributes count, and the span with its dropped
        /// attributes, events and links counts (varints).
        static let dropped: UInt8 = 1 << 4
        /// The scope that follows is extended (attributes, schema URL): `hasDetails`.
        static let scopeDetails: UInt8 = 1 << 5
        static let all: UInt8 = 0x3F
    }

    static func spans(_ spans: [Span], into writer: inout ByteWriter) {
        writer.varint(spans.count)
        var previousScope: InstrumentationScope?
        for span in spans {
            let flags = spanFlags(span, previousScope: previousScope)
            writer.u8(flags)
            writer.traceID(span.traceID)
            writer.spanID(span.spanID)
            if let parent = span.parentSpanID { writer.spanID(parent) }
            writer.string(span.traceState)
            writer.u8(span.traceFlags)
            if flags & SpanFlag.wideFlags != 0 { writer.varint(UInt64(span.flags >> 8)) }
            writer.string(span.name)
            writer.u8(span.kind.rawValue)
            writer.timestamp(span.start)
            writer.timestamp(span.end)
            attributes(span.attributes, into: &writer)
            writer.varint(span.events.count)
            for event in span.events {
                writer.string(event.name)
                writer.timestamp(event.timestamp)
                attributes(event.attributes, into: &writer)
                if flags & SpanFlag.dropped != 0 { writer.varint(UInt64(event.droppedAttributesCount)) }
            }
            writer.varint(span.links.count)
            for link in span.links {
                writer.traceID(link.traceID)
                writer.spanID(link.spanID)
                writer.string(link.traceState)
                attributes(link.attributes, into: &writer)
                if flags & SpanFlag.linkDetails != 0 {
                    writer.varint(UInt64(link.flags))
                    writer.varint(UInt64(link.droppedAttributesCount))
                }
            }
            writer.u8(span.status.code.rawValue)
            writer.string(span.status.message)
            if flags & SpanFlag.sameScope == 0 { scope(span.scope, into: &writer) }
            if flags & SpanFlag.dropped != 0 {
                writer.varint(UInt64(span.droppedAttributesCount))
                writer.varint(UInt64(span.droppedEventsCount))
                writer.varint(UInt64(span.droppedLinksCount))
            }
            previousScope = span.scope
        }
    }

    /// Only the bits a span needs, so a span without the newer fields is written exactly
    /// as before they existed.
    private static func spanFlags(_ span: Span, previousScope: InstrumentationScope?) -> UInt8 {
        var flags: UInt8 = 0
        if span.parentSpanID != nil { flags |= SpanFlag.parent }
        if previousScope == span.scope {
            flags |= SpanFlag.sameScope
        } else if hasDetails(span.scope) {
            flags |= SpanFlag.scopeDetails
        }
        if span.flags > 0xFF { flags |= SpanFlag.wideFlags }
        if span.links.contains(where: { $0.flags != 0 || $0.droppedAttributesCount != 0 }) { flags |= SpanFlag.linkDetails }
        if span.droppedAttributesCount != 0 || span.droppedEventsCount != 0 || span.droppedLinksCount != 0
            || span.events.contains(where: { $0.droppedAttributesCount != 0 })
        {
            flags |= SpanFlag.dropped
        }
        return flags
    }

    static func spans(_ reader: inout ByteReader) throws(BatchCodecError) -> [Span] {
        let count = try reader.count("span count")
        var spans: [Span] = []
        spans.reserveCapacity(count)
        var scope = InstrumentationScope()
        for index in 0..<count {
            let flags = try flags(&reader, "span flags", allowed: SpanFlag.all)
            let sameScope = flags & SpanFlag.sameScope != 0
            if sameScope && (index == 0 || flags & SpanFlag.scopeDetails != 0) {
                throw .badTag(field: "span flags", offset: reader.offset - 1, tag: flags)
            }
            let dropped = flags & SpanFlag.dropped != 0
            let traceID = try reader.traceID("span trace id")
            let spanID = try reader.spanID("span id")
            let parent = flags & SpanFlag.parent != 0 ? try reader.spanID("parent span id") : nil
            let traceState = try reader.string("span trace state")
            var spanFlags = UInt32(try reader.u8("span trace flags"))
            if flags & SpanFlag.wideFlags != 0 {
                let offset = reader.offset
                let high = try reader.varint("span flags high bits")
                guard high <= 0xFF_FFFF else { throw .outOfRange(field: "span flags high bits", offset: offset, value: high) }
                spanFlags |= UInt32(high) << 8
            }
            let name = try reader.string("span name")
            let kindOffset = reader.offset
            let kindByte = try reader.u8("span kind")
            guard let kind = Span.Kind(rawValue: kindByte) else {
                throw .badTag(field: "span kind", offset: kindOffset, tag: kindByte)
            }
            let start = try reader.timestamp("span start")
            let end = try reader.timestamp("span end")
            let attributes = try attributes(&reader, depth: 0)
            let eventCount = try reader.count("span event count")
            var events: [Span.Event] = []
            events.reserveCapacity(eventCount)
            for _ in 0..<eventCount {
                let eventName = try reader.string("span event name")
                let timestamp = try reader.timestamp("span event timestamp")
                var event = Span.Event(name: eventName, timestamp: timestamp, attributes: try self.attributes(&reader, depth: 0))
                if dropped { event.droppedAttributesCount = try uint32(&reader, "span event dropped attributes count") }
                events.append(event)
            }
            let linkCount = try reader.count("span link count")
            var links: [Span.Link] = []
            links.reserveCapacity(linkCount)
            for _ in 0..<linkCount {
                let linkTrace = try reader.traceID("span link trace id")
                let linkSpan = try reader.spanID("span link span id")
                let linkState = try reader.string("span link trace state")
                var link = Span.Link(
                    traceID: linkTrace, spanID: linkSpan, traceState: linkState, attributes: try self.attributes(&reader, depth: 0))
                if flags & SpanFlag.linkDetails != 0 {
                    link.flags = try uint32(&reader, "span link flags")
                    link.droppedAttributesCount = try uint32(&reader, "span link dropped attributes count")
                }
                links.append(link)
            }
            let codeOffset = reader.offset
            let codeByte = try reader.u8("span status code")
            guard let code = Span.Status.Code(rawValue: codeByte) else {
                throw .badTag(field: "span status code", offset: codeOffset, tag: codeByte)
            }
            let message = try reader.string("span status message")
            if !sameScope { scope = try self.scope(&reader, details: flags & SpanFlag.scopeDetails != 0) }
            var span = Span(
                traceID: traceID, spanID: spanID, parentSpanID: parent, traceState: traceState, flags: spanFlags, name: name,
                kind: kind, start: start, end: end, attributes: attributes, events: events, links: links,
                status: Span.Status(code: code, message: message), scope: scope)
            if dropped {
                span.droppedAttributesCount = try uint32(&reader, "span dropped attributes count")
                span.droppedEventsCount = try uint32(&reader, "span dropped events count")
                span.droppedLinksCount = try uint32(&reader, "span dropped links count")
            }
            spans.append(span)
        }
        return spans
    }
}
