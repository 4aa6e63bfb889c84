import Telemetry

extension OTLPSpans {
    /// An `ExportTraceServiceRequest` body straight to spans, with no message tree in between:
    /// the same result as `batches(from: OTLPTraceRequest(serializedBytes: bytes, options:))`
    /// with swift-protobuf's `messageDepthLimit` and `discardUnknownFields`, or the same error.
    ///
    /// The body is read twice: `OTLPReaderSchema.check` first walks every field in wire order
    /// as the generated code parses it (so a body is refused for the same first problem), then
    /// `OTLPSpansReader` converts what the model carries, in the order `batches(from:)`
    /// converts it (so the notes and rejections come out in the same order). Walking bytes
    /// twice costs far less than the allocations of a message tree.
    public static func batches(fromProtobuf bytes: [UInt8], messageDepthLimit: Int) throws(ProtobufReaderError) -> OTLPDecoded {
        try bytes.withUnsafeBufferPointer { (buffer) throws(ProtobufReaderError) -> OTLPDecoded in
            let raw = UnsafeRawBufferPointer(buffer)
            try OTLPReaderSchema.traceRequest.check(raw, depthLimit: messageDepthLimit)
            return try OTLPSpansReader(bytes: raw).batches()
        }
    }
}

/// `OTLPSpans.batches(from:)`, field for field, over a body `OTLPReaderSchema.check` has
/// accepted (so its reads cannot fail; they stay checked all the same). Messages are read in
/// the order the model needs them: a `ResourceSpans`' resource before its scopes, wherever
/// it was sent, a `ScopeSpans`' scope before its spans, a span's links, then its events, then
/// its attributes; a singular message sent more than once is merged (`ProtobufPieces`).
struct OTLPSpansReader {
    let bytes: UnsafeRawBufferPointer

    private static let lengthDelimited = ProtobufReader.WireType.lengthDelimited

    func batches() throws(ProtobufReaderError) -> OTLPDecoded {
        var partial = OTLPPartialSuccess()
        var batches: [TelemetryBatch] = []
        var request = ProtobufReader(bytes, 0..<bytes.count)
        while let tag = try request.nextTag() {
            guard tag.number == 1, tag.wireType == Self.lengthDelimited else { try request.skipChecked(tag); continue }
            try resourceSpans(try request.lengthDelimited(), into: &batches, notes: &partial)
        }
        return OTLPDecoded(batches: batches, partialSuccess: partial)
    }

    private func resourceSpans(_ range: Range<Int>, into batches: inout [TelemetryBatch], notes: inout OTLPPartialSuccess) throws(ProtobufReaderError) {
        var resourcePieces: ProtobufPieces?
        var schemaURL = range.lowerBound..<range.lowerBound
        var reader = ProtobufReader(bytes, range)
        while let tag = try reader.nextTag() {
            switch (tag.number, tag.wireType) {
            case (1, Self.lengthDelimited): resourcePieces.add(try reader.lengthDelimited())
            case (3, Self.lengthDelimited): schemaURL = try reader.lengthDelimited()
            default: try reader.skipChecked(tag)
            }
        }
        var attributes = Attributes()
        if let resourcePieces {
            attributes = try OTLPAttributesReader.attributes(of: resourcePieces, field: 1, owner: "resource", in: bytes, notes: &notes)
        }
        let resource = Resource(attributes: attributes, schemaURL: bytes.text(schemaURL))

        var spans: [Span] = []
        reader = ProtobufReader(bytes, range)
        while let tag = try reader.nextTag() {
            guard tag.number == 2, tag.wireType == Self.lengthDelimited else { try reader.skipChecked(tag); continue }
            try scopeSpans(try reader.lengthDelimited(), into: &spans, notes: &notes)
        }
        if !spans.isEmpty { batches.append(.spans(spans, resource: resource)) }
    }

    private func scopeSpans(_ range: Range<Int>, into spans: inout [Span], notes: inout OTLPPartialSuccess) throws(ProtobufReaderError) {
        var scopePieces: ProtobufPieces?
        var schemaURL = range.lowerBound..<range.lowerBound
        var spanCount = 0
        var firstSpan = range.upperBound
        var reader = ProtobufReader(bytes, range)
        while true {
            let fieldStart = reader.position
            guard let tag = try reader.nextTag() else { break }
            switch (tag.number, tag.wireType) {
            case (1, Self.lengthDelimited): scopePieces.add(try reader.lengthDelimited())
            case (2, Self.lengthDelimited):
                _ = try reader.lengthDelimited()
                if spanCount == 0 { firstSpan = fieldStart }
                spanCount += 1
            case (3, Self.lengthDelimited): schemaURL = try reader.lengthDelimited()
            default: try reader.skipChecked(tag)
            }
        }
        let scope = try self.scope(scopePieces, schemaURL: schemaURL, notes: &notes)
        spans.reserveCapacity(spans.count + spanCount)
        reader = ProtobufReader(bytes, firstSpan..<range.upperBound)
        while let tag = try reader.nextTag() {
            guard tag.number == 2, tag.wireType == Self.lengthDelimited else { try reader.skipChecked(tag); continue }
            if let span = try span(try reader.lengthDelimited(), scope: scope, notes: &notes) { spans.append(span) }
        }
    }

    private func scope(_ pieces: ProtobufPieces?, schemaURL: Range<Int>, notes: inout OTLPPartialSuccess) throws(ProtobufReaderError) -> InstrumentationScope {
        guard let pieces else { return InstrumentationScope(schemaURL: bytes.text(schemaURL)) }
        var name = schemaURL.lowerBound..<schemaURL.lowerBound
        var version = name
        try pieces.forEachField(bytes) { (tag, reader) throws(ProtobufReaderError) in
            switch (tag.number, tag.wireType) {
            case (1, Self.lengthDelimited): name = try reader.lengthDelimited()
            case (2, Self.lengthDelimited): version = try reader.lengthDelimited()
            default: try reader.skipChecked(tag)
            }
        }
        return InstrumentationScope(
            name: bytes.text(name), version: bytes.text(version),
            attributes: try OTLPAttributesReader.attributes(of: pieces, field: 3, owner: "scope", in: bytes, notes: &notes),
            schemaURL: bytes.text(schemaURL))
    }

    /// Where a repeated field of a span starts and how often it appears: the conversion reads
    /// it from there, and skips it when it is absent.
    private struct Occurrences {
        var count = 0
        var from = 0

        mutating func add(at offset: Int) {
            if count == 0 { from = offset }
            count += 1
        }
    }

    /// A span's fields as the first pass finds them: scalars (the last value sent wins) and
    /// where the rest is.
    private struct SpanFields {
        var traceID: Range<Int>
        var spanID: Range<Int>
        var traceState: Range<Int>
        var parentSpanID: Range<Int>
        var name: Range<Int>
        var kind = 0
        var start: UInt64 = 0
        var end: UInt64 = 0
        var attributes = Occurrences()
        var droppedAttributesCount: UInt32 = 0
        var events = Occurrences()
        var droppedEventsCount: UInt32 = 0
        var links = Occurrences()
        var droppedLinksCount: UInt32 = 0
        var status: ProtobufPieces?
        var flags: UInt32 = 0

        init(empty: Range<Int>) {
            traceID = empty
            spanID = empty
            traceState = empty
            parentSpanID = empty
            name = empty
        }
    }

    /// The span, or nil when it was rejected (and counted, with the reason `batches(from:)`
    /// gives: an id of the wrong length).
    private func span(_ range: Range<Int>, scope: InstrumentationScope, notes: inout OTLPPartialSuccess) throws(ProtobufReaderError) -> Span? {
        var fields = SpanFields(empty: range.lowerBound..<range.lowerBound)
        var reader = ProtobufReader(bytes, range)
        while true {
            let fieldStart = reader.position
            guard let tag = try reader.nextTag() else { break }
            switch (tag.number, tag.wireType) {
            case (1, Self.lengthDelimited): fields.traceID = try reader.lengthDelimited()
            case (2, Self.lengthDelimited): fields.spanID = try reader.lengthDelimited()
            case (3, Self.lengthDelimited): fields.traceState = try reader.lengthDelimited()
            case (4, Self.lengthDelimited): fields.parentSpanID = try reader.lengthDelimited()
            case (5, Self.lengthDelimited): fields.name = try reader.lengthDelimited()
            // An open enum: any int32 is kept, as swift-protobuf keeps it (UNRECOGNIZED).
            case (6, .varint): fields.kind = Int(Int32(truncatingIfNeeded: try reader.varint()))
            case (7, .fixed64): fields.start = try reader.fixed64()
            case (8, .fixed64): fields.end = try reader.fixed64()
            case (9, Self.lengthDelimited):
                _ = try reader.lengthDelimited()
                fields.attributes.add(at: fieldStart)
            case (10, .varint): fields.droppedAttributesCount = UInt32(truncatingIfNeeded: try reader.varint())
            case (11, Self.lengthDelimited):
                _ = try reader.lengthDelimited()
                fields.events.add(at: fieldStart)
            case (12, .varint): fields.droppedEventsCount = UInt32(truncatingIfNeeded: try reader.varint())
            case (13, Self.lengthDelimited):
                _ = try reader.lengthDelimited()
                fields.links.add(at: fieldStart)
            case (14, .varint): fields.droppedLinksCount = UInt32(truncatingIfNeeded: try reader.varint())
            case (15, Self.lengthDelimited): fields.status.add(try reader.lengthDelimited())
            case (16, .fixed32): fields.flags = try reader.fixed32()
            default: try reader.skipChecked(tag)
            }
        }

        let name = bytes.text(fields.name)
        func reject(_ field: String, _ id: Range<Int>, expected: Int) -> Span? {
            let error = OTLPOptionalID.WrongLength(field: field, count: id.count, expected: expected)
            notes.reject(1, "span \(OTLPReasonText.quote(name)): \(error.description)")
            return nil
        }
        guard let traceID = loadTraceID(fields.traceID) else { return reject("trace_id", fields.traceID, expected: 16) }
        guard let spanID = loadSpanID(fields.spanID) else { return reject("span_id", fields.spanID, expected: 8) }
        var parent: SpanID?
        if !fields.parentSpanID.isEmpty {
            guard let id = loadSpanID(fields.parentSpanID) else { return reject("parent_span_id", fields.parentSpanID, expected: 8) }
            parent = id.isValid ? id : nil
        }

        var links: [Span.Link] = []
        if fields.links.count > 0 {
            links.reserveCapacity(fields.links.count)
            reader = ProtobufReader(bytes, fields.links.from..<range.upperBound)
            while let tag = try reader.nextTag() {
                guard tag.number == 13, tag.wireType == Self.lengthDelimited else { try reader.skipChecked(tag); continue }
                let index = links.count
                let link = try readLink(try reader.lengthDelimited())
                guard let linkTraceID = loadTraceID(link.traceID) else { return reject("links[\(index)].trace_id", link.traceID, expected: 16) }
                guard let linkSpanID = loadSpanID(link.spanID) else { return reject("links[\(index)].span_id", link.spanID, expected: 8) }
                links.append(Span.Link(
                    traceID: linkTraceID, spanID: linkSpanID, traceState: bytes.text(link.traceState),
                    attributes: try OTLPAttributesReader.attributes(
                        of: ProtobufPieces(link.range), field: 4, capacity: link.attributeCount, owner: "span link", in: bytes,
                        notes: &notes),
                    flags: link.flags, droppedAttributesCount: link.droppedAttributesCount))
            }
        }

        var events: [Span.Event] = []
        if fields.events.count > 0 {
            events.reserveCapacity(fields.events.count)
            reader = ProtobufReader(bytes, fields.events.from..<range.upperBound)
            while let tag = try reader.nextTag() {
                guard tag.number == 11, tag.wireType == Self.lengthDelimited else { try reader.skipChecked(tag); continue }
                events.append(try event(try reader.lengthDelimited(), notes: &notes))
            }
        }

        var statusCode = 0
        var statusMessage = range.lowerBound..<range.lowerBound
        try fields.status?.forEachField(bytes) { (tag, reader) throws(ProtobufReaderError) in
            switch (tag.number, tag.wireType) {
            case (2, Self.lengthDelimited): statusMessage = try reader.lengthDelimited()
            case (3, .varint): statusCode = Int(Int32(truncatingIfNeeded: try reader.varint()))
            default: try reader.skipChecked(tag)
            }
        }

        var attributes = Attributes()
        if fields.attributes.count > 0 {
            attributes = try OTLPAttributesReader.attributes(
                of: ProtobufPieces(fields.attributes.from..<range.upperBound), field: 9, capacity: fields.attributes.count,
                owner: "span", in: bytes, notes: &notes)
        }

        // Kinds and codes beyond the known ones (negative, or past the enum) read as
        // unspecified / unset, as `batches(from:)` maps them.
        return Span(
            traceID: traceID, spanID: spanID, parentSpanID: parent, traceState: bytes.text(fields.traceState),
            flags: fields.flags, name: name,
            kind: Span.Kind(rawValue: UInt8(clamping: max(0, fields.kind))) ?? .unspecified,
            start: Timestamp(unixNano: fields.start), end: Timestamp(unixNano: fields.end),
            attributes: attributes, events: events, links: links,
            status: Span.Status(
                code: Span.Status.Code(rawValue: UInt8(clamping: max(0, statusCode))) ?? .unset, message: bytes.text(statusMessage)),
            scope: scope, droppedAttributesCount: fields.droppedAttributesCount, droppedEventsCount: fields.droppedEventsCount,
            droppedLinksCount: fields.droppedLinksCount)
    }

    private struct LinkFields {
        var range: Range<Int>
        var traceID: Range<Int>
        var spanID: Range<Int>
        var traceState: Range<Int>
        var attributeCount = 0
        var droppedAttributesCount: UInt32 = 0
        var flags: UInt32 = 0
    }

    private func readLink(_ range: Range<Int>) throws(ProtobufReaderError) -> LinkFields {
        let empty = range.lowerBound..<range.lowerBound
        var link = LinkFields(range: range, traceID: empty, spanID: empty, traceState: empty)
        var reader = ProtobufReader(bytes, range)
        while let tag = try reader.nextTag() {
            switch (tag.number, tag.wireType) {
            case (1, Self.lengthDelimited): link.traceID = try reader.lengthDelimited()
            case (2, Self.lengthDelimited): link.spanID = try reader.lengthDelimited()
            case (3, Self.lengthDelimited): link.traceState = try reader.lengthDelimited()
            case (4, Self.lengthDelimited):
                _ = try reader.lengthDelimited()
                link.attributeCount += 1
            case (5, .varint): link.droppedAttributesCount = UInt32(truncatingIfNeeded: try reader.varint())
            case (6, .fixed32): link.flags = try reader.fixed32()
            default: try reader.skipChecked(tag)
            }
        }
        return link
    }

    private func event(_ range: Range<Int>, notes: inout OTLPPartialSuccess) throws(ProtobufReaderError) -> Span.Event {
        var time: UInt64 = 0
        var name = range.lowerBound..<range.lowerBound
        var attributeCount = 0
        var droppedAttributesCount: UInt32 = 0
        var reader = ProtobufReader(bytes, range)
        while let tag = try reader.nextTag() {
            switch (tag.number, tag.wireType) {
            case (1, .fixed64): time = try reader.fixed64()
            case (2, Self.lengthDelimited): name = try reader.lengthDelimited()
            case (3, Self.lengthDelimited):
                _ = try reader.lengthDelimited()
                attributeCount += 1
            case (4, .varint): droppedAttributesCount = UInt32(truncatingIfNeeded: try reader.varint())
            default: try reader.skipChecked(tag)
            }
        }
        return Span.Event(
            name: bytes.text(name), timestamp: Timestamp(unixNano: time),
            attributes: attributeCount == 0
                ? Attributes()
                : try OTLPAttributesReader.attributes(
                    of: ProtobufPieces(range), field: 3, capacity: attributeCount, owner: "span event", in: bytes, notes: &notes),
            droppedAttributesCount: droppedAttributesCount)
    }

    /// Exactly 16 bytes, big-endian; nil for any other length.
    private func loadTraceID(_ range: Range<Int>) -> TraceID? {
        guard range.count == 16 else { return nil }
        return TraceID(
            high: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: range.lowerBound, as: UInt64.self)),
            low: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: range.lowerBound + 8, as: UInt64.self)))
    }

    /// Exactly 8 bytes, big-endian; nil for any other length.
    private func loadSpanID(_ range: Range<Int>) -> SpanID? {
        guard range.count == 8 else { return nil }
        return SpanID(UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: range.lowerBound, as: UInt64.self)))
    }
}
