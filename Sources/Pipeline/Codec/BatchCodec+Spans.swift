import Telemetry

extension BatchCodec {
    enum SpanFlag {
        static let parent: UInt8 = 1 << 0
        static let sameScope: UInt8 = 1 << 1
        static let all: UInt8 = 0x03
    }

    static func spans(_ spans: [Span], into writer: inout ByteWriter) {
        writer.varint(spans.count)
        var previousScope: InstrumentationScope?
        for span in spans {
            var flags: UInt8 = 0
            if span.parentSpanID != nil { flags |= SpanFlag.parent }
            if previousScope == span.scope { flags |= SpanFlag.sameScope }
            writer.u8(flags)
            writer.traceID(span.traceID)
            writer.spanID(span.spanID)
            if let parent = span.parentSpanID { writer.spanID(parent) }
            writer.string(span.traceState)
            writer.u8(span.flags)
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
            }
            writer.varint(span.links.count)
            for link in span.links {
                writer.traceID(link.traceID)
                writer.spanID(link.spanID)
                writer.string(link.traceState)
                attributes(link.attributes, into: &writer)
            }
            writer.u8(span.status.code.rawValue)
            writer.string(span.status.message)
            if flags & SpanFlag.sameScope == 0 { scope(span.scope, into: &writer) }
            previousScope = span.scope
        }
    }

    static func spans(_ reader: inout ByteReader) throws(BatchCodecError) -> [Span] {
        let count = try reader.count("span count")
        var spans: [Span] = []
        spans.reserveCapacity(count)
        var scope = InstrumentationScope()
        for index in 0..<count {
            let flags = try flags(&reader, "span flags", allowed: SpanFlag.all)
            if index == 0 && flags & SpanFlag.sameScope != 0 {
                throw .badTag(field: "span flags", offset: reader.offset - 1, tag: flags)
            }
            let traceID = try reader.traceID("span trace id")
            let spanID = try reader.spanID("span id")
            let parent = flags & SpanFlag.parent != 0 ? try reader.spanID("parent span id") : nil
            let traceState = try reader.string("span trace state")
            let traceFlags = try reader.u8("span trace flags")
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
                events.append(Span.Event(name: eventName, timestamp: timestamp, attributes: try self.attributes(&reader, depth: 0)))
            }
            let linkCount = try reader.count("span link count")
            var links: [Span.Link] = []
            links.reserveCapacity(linkCount)
            for _ in 0..<linkCount {
                let linkTrace = try reader.traceID("span link trace id")
                let linkSpan = try reader.spanID("span link span id")
                let linkState = try reader.string("span link trace state")
                links.append(Span.Link(
                    traceID: linkTrace, spanID: linkSpan, traceState: linkState, attributes: try self.attributes(&reader, depth: 0)))
            }
            let codeOffset = reader.offset
            let codeByte = try reader.u8("span status code")
            guard let code = Span.Status.Code(rawValue: codeByte) else {
                throw .badTag(field: "span status code", offset: codeOffset, tag: codeByte)
            }
            let message = try reader.string("span status message")
            if flags & SpanFlag.sameScope == 0 { scope = try self.scope(&reader) }
            spans.append(Span(
                traceID: traceID, spanID: spanID, parentSpanID: parent, traceState: traceState, flags: traceFlags, name: name,
                kind: kind, start: start, end: end, attributes: attributes, events: events, links: links,
                status: Span.Status(code: code, message: message), scope: scope))
        }
        return spans
    }
}
