import Telemetry

/// Attributes written as OTLP's `KeyValue` and `AnyValue` bytes: what
/// `OTLPAttributes.keyValues` builds, serialized as swift-protobuf serializes it (an empty
/// key left out, a oneof member written even when it is a zero or empty value).
///
/// A scalar value's size is known before it is written, so a `KeyValue` holding one gets
/// its exact lengths up front; arrays and maps reserve their length and fix it after.
enum OTLPAttributesWriter {
    /// Each pair as a `KeyValue` in the repeated field `field`.
    @inline(__always)
    static func append(_ attributes: Attributes, field: UInt64, to out: inout ProtobufWriter) {
        // Read in place: iterating `pairs` copies each pair, retaining its key and value.
        attributes.pairs.withUnsafeBufferPointer { pairs in
            for index in pairs.indices { appendKeyValue(pairs[index].key, pairs[index].value, field: field, to: &out) }
        }
    }

    static func appendKeyValue(_ key: borrowing String, _ value: borrowing AttributeValue, field: UInt64, to out: inout ProtobufWriter) {
        let keyCount = key.utf8.count
        // KeyValue: 1 string key (left out when empty), 2 AnyValue value.
        let keySize = keyCount == 0 ? 0 : 1 + ProtobufWriter.varintSize(keyCount) + keyCount
        if let valueSize = scalarSize(value) {
            out.appendTag(field, .lengthDelimited)
            out.appendVarint(UInt64(keySize + 1 + ProtobufWriter.varintSize(valueSize) + valueSize))
            if keyCount != 0 { out.appendStringField(1, key) }
            out.appendTag(2, .lengthDelimited)
            out.appendVarint(UInt64(valueSize))
            appendScalar(value, to: &out)
        } else {
            out.appendMessageField(field) { out in
                if keyCount != 0 { out.appendStringField(1, key) }
                appendAnyValue(value, field: 2, to: &out)
            }
        }
    }

    /// `value` as an `AnyValue` message in field `field`.
    static func appendAnyValue(_ value: AttributeValue, field: UInt64, to out: inout ProtobufWriter) {
        if let size = scalarSize(value) {
            out.appendTag(field, .lengthDelimited)
            out.appendVarint(UInt64(size))
            appendScalar(value, to: &out)
            return
        }
        out.appendMessageField(field) { out in
            switch value {
            case .array(let values):
                // AnyValue 5 ArrayValue { 1 repeated AnyValue values }
                out.appendMessageField(5) { out in
                    for element in values { appendAnyValue(element, field: 1, to: &out) }
                }
            case .map(let nested):
                // AnyValue 6 KeyValueList { 1 repeated KeyValue values }
                out.appendMessageField(6) { out in append(nested, field: 1, to: &out) }
            case .string, .bool, .int, .double, .bytes:
                preconditionFailure("scalars are written above")
            }
        }
    }

    /// The size of a scalar's `AnyValue` message; nil for arrays and maps.
    @inline(__always)
    static func scalarSize(_ value: AttributeValue) -> Int? {
        switch value {
        case .string(let text):
            let count = text.utf8.count
            return 1 + ProtobufWriter.varintSize(count) + count
        case .bool: return 2
        case .int(let number): return 1 + ProtobufWriter.varintSize(UInt64(bitPattern: number))
        case .double: return 9
        case .bytes(let bytes): return 1 + ProtobufWriter.varintSize(bytes.count) + bytes.count
        case .array, .map: return nil
        }
    }

    /// A scalar's one `AnyValue` field: 1 string, 2 bool, 3 int64, 4 double, 7 bytes.
    @inline(__always)
    static func appendScalar(_ value: AttributeValue, to out: inout ProtobufWriter) {
        switch value {
        case .string(let text): out.appendStringField(1, text)
        case .bool(let flag): out.appendVarintField(2, flag ? 1 : 0)
        case .int(let number): out.appendVarintField(3, UInt64(bitPattern: number))
        case .double(let number): out.appendDoubleField(4, number)
        case .bytes(let bytes): out.appendBytesField(7, bytes)
        case .array, .map: preconditionFailure("not a scalar")
        }
    }
}
