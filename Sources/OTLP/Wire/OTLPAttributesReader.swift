import Telemetry

/// `OTLPAttributes.attributes` and `value`, read from a checked body's bytes instead of
/// `KeyValue` / `AnyValue` messages: the same attributes, the same notes in the same order
/// (a key without a value is noted and left out; array elements and map entries without one
/// are dropped; repeated keys keep their last value and are counted).
///
/// `AnyValue` is a oneof: the last member read wins, except that an `array_value` or
/// `kvlist_value` read while the same member is set merges into it, as swift-protobuf's
/// generated code does (another member in between starts it afresh).
enum OTLPAttributesReader {
    /// The attributes in the `KeyValue` fields numbered `field` of `message`.
    /// - Parameters:
    ///   - capacity: how many there are, when the caller has counted them.
    ///   - owner: what they belong to, for the note about a key without a value.
    static func attributes(
        of message: ProtobufPieces, field: Int, capacity: Int = 0, owner: String, in bytes: UnsafeRawBufferPointer,
        notes: inout OTLPPartialSuccess
    ) throws(ProtobufReaderError) -> Attributes {
        var pairs: [(key: String, value: AttributeValue)] = []
        pairs.reserveCapacity(capacity)
        let keyValueTag = ProtobufReader.Tag(number: field, wireType: .lengthDelimited)
        try message.forEachField(bytes) { (tag, reader) throws(ProtobufReaderError) in
            guard tag == keyValueTag else { return try reader.skipChecked(tag) }
            let (key, valuePieces) = try keyValue(try reader.lengthDelimited(), in: bytes)
            if let valuePieces, let value = try value(valuePieces, in: bytes, notes: &notes) {
                pairs.append((bytes.text(key), value))
            } else {
                notes.note("\(owner): attribute \(OTLPReasonText.quote(bytes.text(key))) has no value and was left out")
            }
        }
        return unique(pairs, notes: &notes)
    }

    /// A `KeyValue`: its key's bytes (the last sent; empty when none) and its value's pieces
    /// (nil when no value was sent: an empty `AnyValue`).
    private static func keyValue(
        _ range: Range<Int>, in bytes: UnsafeRawBufferPointer
    ) throws(ProtobufReaderError) -> (key: Range<Int>, value: ProtobufPieces?) {
        var key = range.lowerBound..<range.lowerBound
        var value: ProtobufPieces?
        var reader = ProtobufReader(bytes, range)
        while let tag = try reader.nextTag() {
            switch (tag.number, tag.wireType) {
            case (1, .lengthDelimited): key = try reader.lengthDelimited()
            case (2, .lengthDelimited): value.add(try reader.lengthDelimited())
            default: try reader.skipChecked(tag)  // key_strindex (profiles only), unknown fields
            }
        }
        return (key, value)
    }

    /// Which `AnyValue` member is set, and where its bytes are.
    private enum Member {
        case none
        case string(Range<Int>)
        case bool(Bool)
        case int(Int64)
        case double(Double)
        case bytes(Range<Int>)
        case array(ProtobufPieces)
        case kvlist(ProtobufPieces)
        /// `string_value_strindex`, which only profiles use: no value here.
        case stringIndex
    }

    /// Nil for an empty `AnyValue` and for `string_value_strindex`.
    private static func value(
        _ any: ProtobufPieces, in bytes: UnsafeRawBufferPointer, notes: inout OTLPPartialSuccess
    ) throws(ProtobufReaderError) -> AttributeValue? {
        var member = Member.none
        try any.forEachField(bytes) { (tag, reader) throws(ProtobufReaderError) in
            switch (tag.number, tag.wireType) {
            case (1, .lengthDelimited): member = .string(try reader.lengthDelimited())
            case (2, .varint): member = .bool(try reader.varint() != 0)
            case (3, .varint): member = .int(Int64(bitPattern: try reader.varint()))
            case (4, .fixed64): member = .double(Double(bitPattern: try reader.fixed64()))
            case (5, .lengthDelimited):
                let piece = try reader.lengthDelimited()
                if case .array(var pieces) = member {
                    pieces.append(piece)
                    member = .array(pieces)
                } else {
                    member = .array(ProtobufPieces(piece))
                }
            case (6, .lengthDelimited):
                let piece = try reader.lengthDelimited()
                if case .kvlist(var pieces) = member {
                    pieces.append(piece)
                    member = .kvlist(pieces)
                } else {
                    member = .kvlist(ProtobufPieces(piece))
                }
            case (7, .lengthDelimited): member = .bytes(try reader.lengthDelimited())
            case (8, .varint):
                _ = try reader.varint()
                member = .stringIndex
            default: try reader.skipChecked(tag)
            }
        }
        switch member {
        case .none, .stringIndex: return nil
        case .string(let range): return .string(bytes.text(range))
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .int(number)
        case .double(let number): return .double(number)
        case .bytes(let range): return .bytes([UInt8](bytes[range]))
        case .array(let array):
            var values: [AttributeValue] = []
            try array.forEachField(bytes) { (tag, reader) throws(ProtobufReaderError) in
                guard tag.number == 1, tag.wireType == .lengthDelimited else { return try reader.skipChecked(tag) }
                if let element = try value(ProtobufPieces(try reader.lengthDelimited()), in: bytes, notes: &notes) {
                    values.append(element)
                }
            }
            return .array(values)
        case .kvlist(let list):
            var pairs: [(key: String, value: AttributeValue)] = []
            try list.forEachField(bytes) { (tag, reader) throws(ProtobufReaderError) in
                guard tag.number == 1, tag.wireType == .lengthDelimited else { return try reader.skipChecked(tag) }
                let (key, valuePieces) = try keyValue(try reader.lengthDelimited(), in: bytes)
                if let valuePieces, let value = try value(valuePieces, in: bytes, notes: &notes) {
                    pairs.append((bytes.text(key), value))
                }
            }
            return .map(unique(pairs, notes: &notes))
        }
    }

    /// The pairs as `Attributes` (a repeated key keeps its last value), the repeats counted.
    private static func unique(_ pairs: [(key: String, value: AttributeValue)], notes: inout OTLPPartialSuccess) -> Attributes {
        let attributes = Attributes(pairs)
        notes.noteDuplicateAttributeKeys(pairs.count - attributes.count)
        return attributes
    }
}
