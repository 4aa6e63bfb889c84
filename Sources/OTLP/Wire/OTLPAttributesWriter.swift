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
    static func append(_ attributes: Attributes, field: UInt64, to out: inout [UInt8]) {
        for pair in attributes.pairs { appendKeyValue(pair.key, pair.value, field: field, to: &out) }
    }

    static func appendKeyValue(_ key: String, _ value: AttributeValue, field: UInt64, to out: inout [UInt8]) {
        let keyCount = key.utf8.count
        // KeyValue: 1 string key (left out when empty), 2 AnyValue value.
        let keySize = keyCount == 0 ? 0 : 1 + ProtobufWriter.varintSize(keyCount) + keyCount
        if let valueSize = scalarSize(value) {
            ProtobufWriter.appendTag(field, .lengthDelimited, to: &out)
            ProtobufWriter.appendVarint(UInt64(keySize + 1 + ProtobufWriter.varintSize(valueSize) + valueSize), to: &out)
            if keyCount != 0 { ProtobufWriter.appendStringField(1, key, to: &out) }
            ProtobufWriter.appendTag(2, .lengthDelimited, to: &out)
            ProtobufWriter.appendVarint(UInt64(valueSize), to: &out)
            appendScalar(value, to: &out)
        } else {
            ProtobufWriter.appendMessageField(field, lengthGuess: 1, to: &out) { out in
                if keyCount != 0 { ProtobufWriter.appendStringField(1, key, to: &out) }
                appendAnyValue(value, field: 2, to: &out)
            }
        }
    }

    /// `value` as an `AnyValue` message in field `field`.
    static func appendAnyValue(_ value: AttributeValue, field: UInt64, to out: inout [UInt8]) {
        if let size = scalarSize(value) {
            ProtobufWriter.appendTag(field, .lengthDelimited, to: &out)
            ProtobufWriter.appendVarint(UInt64(size), to: &out)
            appendScalar(value, to: &out)
            return
        }
        ProtobufWriter.appendMessageField(field, lengthGuess: 1, to: &out) { out in
            switch value {
            case .array(let values):
                // AnyValue 5 ArrayValue { 1 repeated AnyValue values }
                ProtobufWriter.appendMessageField(5, lengthGuess: 1, to: &out) { out in
                    for element in values { appendAnyValue(element, field: 1, to: &out) }
                }
            case .map(let nested):
                // AnyValue 6 KeyValueList { 1 repeated KeyValue values }
                ProtobufWriter.appendMessageField(6, lengthGuess: 1, to: &out) { out in
                    append(nested, field: 1, to: &out)
                }
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
    static func appendScalar(_ value: AttributeValue, to out: inout [UInt8]) {
        switch value {
        case .string(let text): ProtobufWriter.appendStringField(1, text, to: &out)
        case .bool(let flag): ProtobufWriter.appendVarintField(2, flag ? 1 : 0, to: &out)
        case .int(let number): ProtobufWriter.appendVarintField(3, UInt64(bitPattern: number), to: &out)
        case .double(let number): ProtobufWriter.appendDoubleField(4, number, to: &out)
        case .bytes(let bytes): ProtobufWriter.appendBytesField(7, bytes, to: &out)
        case .array, .map: preconditionFailure("not a scalar")
        }
    }
}
