/// The messages of an `ExportTraceServiceRequest` and their fields, as the generated code
/// declares them (opentelemetry-proto, Generated/): what `check` walks to refuse exactly the
/// bodies swift-protobuf refuses.
///
/// The conversion (`OTLPSpansReader`) reads only what the model carries and in the order the
/// model is built, not in wire order; swift-protobuf parses every field it knows, in wire
/// order, before anything is converted. So the check comes first, and walks every known field
/// — entity refs, `key_strindex` and dropped counts that nothing converts included — as the
/// generated code would: its string fields must be UTF-8, its messages nest no deeper than
/// the limit, and the first problem in wire order is the one reported.
enum OTLPReaderSchema {
    case traceRequest, resourceSpans, resource, entityRef, scopeSpans, scope, span, event, link, status
    case keyValue, anyValue, arrayValue, keyValueList

    /// How a known field is read. A field sent with another wire type than its own is
    /// skipped as an unknown one is, as swift-protobuf does (the generated code does not
    /// consume it).
    enum Field {
        /// int32, int64, uint32, uint64, bool, enum (open: any value is kept).
        case varint
        case fixed32
        case fixed64
        case bytes
        case string
        case message(OTLPReaderSchema)

        var wireType: ProtobufReader.WireType {
            switch self {
            case .varint: .varint
            case .fixed32: .fixed32
            case .fixed64: .fixed64
            case .bytes, .string, .message: .lengthDelimited
            }
        }
    }

    /// A field of this message, singular or repeated alike (none of these messages has a
    /// repeated scalar, so nothing is packed); nil for a number it does not declare.
    func field(_ number: Int) -> Field? {
        switch (self, number) {
        case (.traceRequest, 1): .message(.resourceSpans)
        case (.resourceSpans, 1): .message(.resource)
        case (.resourceSpans, 2): .message(.scopeSpans)
        case (.resourceSpans, 3): .string  // schema_url
        case (.resource, 1): .message(.keyValue)
        case (.resource, 2): .varint  // dropped_attributes_count
        case (.resource, 3): .message(.entityRef)
        case (.entityRef, 1...4): .string  // schema_url, type, id_keys, description_keys
        case (.scopeSpans, 1): .message(.scope)
        case (.scopeSpans, 2): .message(.span)
        case (.scopeSpans, 3): .string  // schema_url
        case (.scope, 1), (.scope, 2): .string  // name, version
        case (.scope, 3): .message(.keyValue)
        case (.scope, 4): .varint  // dropped_attributes_count
        case (.span, 1), (.span, 2), (.span, 4): .bytes  // trace_id, span_id, parent_span_id
        case (.span, 3), (.span, 5): .string  // trace_state, name
        case (.span, 6), (.span, 10), (.span, 12), (.span, 14): .varint  // kind, dropped counts
        case (.span, 7), (.span, 8): .fixed64  // start and end time
        case (.span, 9): .message(.keyValue)
        case (.span, 11): .message(.event)
        case (.span, 13): .message(.link)
        case (.span, 15): .message(.status)
        case (.span, 16): .fixed32  // flags
        case (.event, 1): .fixed64  // time_unix_nano
        case (.event, 2): .string  // name
        case (.event, 3): .message(.keyValue)
        case (.event, 4): .varint  // dropped_attributes_count
        case (.link, 1), (.link, 2): .bytes  // trace_id, span_id
        case (.link, 3): .string  // trace_state
        case (.link, 4): .message(.keyValue)
        case (.link, 5): .varint  // dropped_attributes_count
        case (.link, 6): .fixed32  // flags
        case (.status, 2): .string  // message
        case (.status, 3): .varint  // code
        case (.keyValue, 1): .string  // key
        case (.keyValue, 2): .message(.anyValue)
        case (.keyValue, 3): .varint  // key_strindex
        case (.anyValue, 1): .string
        case (.anyValue, 2), (.anyValue, 3), (.anyValue, 8): .varint  // bool, int, string_value_strindex
        case (.anyValue, 4): .fixed64  // double
        case (.anyValue, 5): .message(.arrayValue)
        case (.anyValue, 6): .message(.keyValueList)
        case (.anyValue, 7): .bytes
        case (.arrayValue, 1): .message(.anyValue)
        case (.keyValueList, 1): .message(.keyValue)
        default: nil
        }
    }

    /// Whether swift-protobuf would parse `bytes` as this message (the top level of a body).
    /// An empty body is an empty message and nests nothing.
    /// - Parameter depthLimit: swift-protobuf's `messageDepthLimit`: the top-level message is
    ///   level 1, each message or group inside one level more.
    func check(_ bytes: UnsafeRawBufferPointer, depthLimit: Int) throws(ProtobufReaderError) {
        guard !bytes.isEmpty else { return }
        guard depthLimit >= 1 else { throw .messageDepthLimit }
        var reader = ProtobufReader(bytes, 0..<bytes.count)
        try check(&reader, depth: 1, depthLimit: depthLimit)
    }

    private func check(_ reader: inout ProtobufReader, depth: Int, depthLimit: Int) throws(ProtobufReaderError) {
        while let tag = try reader.nextTag() {
            guard let field = field(tag.number), field.wireType == tag.wireType else {
                try reader.skip(tag, depth: depth, depthLimit: depthLimit)
                continue
            }
            switch field {
            case .varint: _ = try reader.varint()
            case .fixed32: _ = try reader.fixed32()
            case .fixed64: _ = try reader.fixed64()
            case .bytes: _ = try reader.lengthDelimited()
            case .string: _ = try reader.string()
            case .message(let inner):
                // The length is read (and refused) before the level is counted.
                let range = try reader.lengthDelimited()
                guard depth < depthLimit else { throw .messageDepthLimit }
                var nested = reader.message(range)
                try inner.check(&nested, depth: depth + 1, depthLimit: depthLimit)
            }
        }
    }
}
