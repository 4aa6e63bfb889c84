import Telemetry

extension BatchCodec {
    enum ValueTag: UInt8 {
        case string = 0, falseValue, trueValue, int, double, bytes, array, map
    }

    static func attributes(_ attributes: Attributes, into writer: inout ByteWriter) {
        writer.varint(attributes.count)
        for pair in attributes.pairs {
            writer.string(pair.key)
            value(pair.value, into: &writer)
        }
    }

    static func value(_ value: AttributeValue, into writer: inout ByteWriter) {
        switch value {
        case .string(let text):
            writer.u8(ValueTag.string.rawValue)
            writer.string(text)
        case .bool(let flag):
            writer.u8((flag ? ValueTag.trueValue : ValueTag.falseValue).rawValue)
        case .int(let number):
            writer.u8(ValueTag.int.rawValue)
            writer.zigzag(number)
        case .double(let number):
            writer.u8(ValueTag.double.rawValue)
            writer.double(number)
        case .bytes(let bytes):
            writer.u8(ValueTag.bytes.rawValue)
            writer.byteArray(bytes)
        case .array(let values):
            writer.u8(ValueTag.array.rawValue)
            writer.varint(values.count)
            for element in values { self.value(element, into: &writer) }
        case .map(let nested):
            writer.u8(ValueTag.map.rawValue)
            attributes(nested, into: &writer)
        }
    }

    static func attributes(_ reader: inout ByteReader, depth: Int) throws(BatchCodecError) -> Attributes {
        let count = try reader.count("attribute count")
        if count == 0 { return Attributes() }
        var pairs: [(key: String, value: AttributeValue)] = []
        pairs.reserveCapacity(count)
        for _ in 0..<count {
            let key = try reader.string("attribute key")
            pairs.append((key, try value(&reader, depth: depth)))
        }
        return Attributes(pairs)
    }

    static func value(_ reader: inout ByteReader, depth: Int) throws(BatchCodecError) -> AttributeValue {
        let tagOffset = reader.offset
        let tag = try reader.u8("attribute value tag")
        switch ValueTag(rawValue: tag) {
        case .string: return .string(try reader.string("attribute string"))
        case .falseValue: return .bool(false)
        case .trueValue: return .bool(true)
        case .int: return .int(try reader.zigzag("attribute int"))
        case .double: return .double(try reader.double("attribute double"))
        case .bytes: return .bytes(try reader.byteArray("attribute bytes"))
        case .array:
            guard depth < maxDepth else { throw .tooDeep(offset: tagOffset) }
            let count = try reader.count("attribute array count")
            var values: [AttributeValue] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(try value(&reader, depth: depth + 1)) }
            return .array(values)
        case .map:
            guard depth < maxDepth else { throw .tooDeep(offset: tagOffset) }
            return .map(try attributes(&reader, depth: depth + 1))
        case nil:
            throw .badTag(field: "attribute value tag", offset: tagOffset, tag: tag)
        }
    }

    /// Whether a scope needs the extended form: attributes and schema URL after its name and
    /// version. Records flag it, so scopes without them (nearly all) cost nothing more and
    /// read as they did before the two existed.
    static func hasDetails(_ scope: InstrumentationScope) -> Bool {
        !scope.attributes.isEmpty || !scope.schemaURL.isEmpty
    }

    /// The scope, extended when `hasDetails(scope)`: the caller flags that.
    static func scope(_ scope: InstrumentationScope, into writer: inout ByteWriter) {
        writer.string(scope.name)
        writer.string(scope.version)
        if hasDetails(scope) {
            attributes(scope.attributes, into: &writer)
            writer.string(scope.schemaURL)
        }
    }

    static func scope(_ reader: inout ByteReader, details: Bool) throws(BatchCodecError) -> InstrumentationScope {
        let name = try reader.string("scope name")
        var scope = InstrumentationScope(name: name, version: try reader.string("scope version"))
        if details {
            scope.attributes = try attributes(&reader, depth: 0)
            scope.schemaURL = try reader.string("scope schema url")
        }
        return scope
    }

    /// A varint holding one of OTLP's uint32 fields (flags, dropped counts): a larger value
    /// is garbage.
    static func uint32(_ reader: inout ByteReader, _ field: StaticString) throws(BatchCodecError) -> UInt32 {
        let offset = reader.offset
        let value = try reader.varint(field)
        guard let number = UInt32(exactly: value) else { throw .outOfRange(field: "\(field)", offset: offset, value: value) }
        return number
    }

    /// Rejects flag bits this version does not define: they mean garbage or a newer writer.
    static func flags(_ reader: inout ByteReader, _ field: StaticString, allowed: UInt8) throws(BatchCodecError) -> UInt8 {
        let offset = reader.offset
        let flags = try reader.u8(field)
        guard flags & ~allowed == 0 else { throw .badTag(field: "\(field)", offset: offset, tag: flags) }
        return flags
    }
}
