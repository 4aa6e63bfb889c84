#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Telemetry

/// Attributes ⇄ OTLP `KeyValue` lists. The model's `AttributeValue` is OTLP's `AnyValue`
/// minus the empty value, and its keys are unique, so the conversion is exact both ways
/// except for that: a key without a value is left out, and noted; a key repeated in one
/// list keeps its last value at its first place (`Attributes`), and is counted.
enum OTLPAttributes {
    static func keyValues(_ attributes: Attributes) -> [ProtoKeyValue] {
        attributes.pairs.map { pair in
            var keyValue = ProtoKeyValue()
            keyValue.key = pair.key
            keyValue.value = anyValue(pair.value)
            return keyValue
        }
    }

    static func anyValue(_ value: AttributeValue) -> ProtoAnyValue {
        var any = ProtoAnyValue()
        switch value {
        case .string(let text): any.value = .stringValue(text)
        case .bool(let flag): any.value = .boolValue(flag)
        case .int(let number): any.value = .intValue(number)
        case .double(let number): any.value = .doubleValue(number)
        case .bytes(let bytes): any.value = .bytesValue(Data(bytes))
        case .array(let values):
            var array = Opentelemetry_Proto_Common_V1_ArrayValue()
            array.values = values.map(anyValue)
            any.value = .arrayValue(array)
        case .map(let nested):
            var list = Opentelemetry_Proto_Common_V1_KeyValueList()
            list.values = keyValues(nested)
            any.value = .kvlistValue(list)
        }
        return any
    }

    /// - Parameter owner: what the attributes belong to, for the note about empty values.
    static func attributes(_ keyValues: [ProtoKeyValue], owner: @autoclosure () -> String, notes: inout OTLPPartialSuccess) -> Attributes {
        guard !keyValues.isEmpty else { return Attributes() }
        var pairs: [(key: String, value: AttributeValue)] = []
        pairs.reserveCapacity(keyValues.count)
        for keyValue in keyValues {
            if let value = value(keyValue.value, notes: &notes) {
                pairs.append((keyValue.key, value))
            } else {
                notes.note("\(owner()): attribute \(OTLPReasonText.quote(keyValue.key)) has no value and was left out")
            }
        }
        return unique(pairs, notes: &notes)
    }

    /// Nil for an empty `AnyValue` (and for `string_value_strindex`, which only profiles
    /// use); array elements and map entries without a value are left out.
    static func value(_ any: ProtoAnyValue, notes: inout OTLPPartialSuccess) -> AttributeValue? {
        switch any.value {
        case .stringValue(let text): return .string(text)
        case .boolValue(let flag): return .bool(flag)
        case .intValue(let number): return .int(number)
        case .doubleValue(let number): return .double(number)
        case .bytesValue(let data): return .bytes([UInt8](data))
        case .arrayValue(let array): return .array(array.values.compactMap { value($0, notes: &notes) })
        case .kvlistValue(let list):
            var pairs: [(key: String, value: AttributeValue)] = []
            pairs.reserveCapacity(list.values.count)
            for entry in list.values {
                if let value = value(entry.value, notes: &notes) { pairs.append((entry.key, value)) }
            }
            return .map(unique(pairs, notes: &notes))
        case .stringValueStrindex, nil: return nil
        }
    }

    /// The pairs as `Attributes` (a repeated key keeps its last value), the repeats counted.
    private static func unique(_ pairs: [(key: String, value: AttributeValue)], notes: inout OTLPPartialSuccess) -> Attributes {
        let attributes = Attributes(pairs)
        notes.noteDuplicateAttributeKeys(pairs.count - attributes.count)
        return attributes
    }
}

extension Resource {
    /// The `Resource` message; the schema URL goes on its `Resource{Logs,Spans,Metrics}`.
    var otlpMessage: ProtoResource {
        var message = ProtoResource()
        message.attributes = OTLPAttributes.keyValues(attributes)
        return message
    }

    init(otlp message: ProtoResource, schemaURL: String, notes: inout OTLPPartialSuccess) {
        self.init(attributes: OTLPAttributes.attributes(message.attributes, owner: "resource", notes: &notes), schemaURL: schemaURL)
    }
}

extension InstrumentationScope {
    /// The `InstrumentationScope` message; the schema URL goes on its `Scope{Logs,Spans,Metrics}`.
    var otlpMessage: ProtoScope {
        var message = ProtoScope()
        message.name = name
        message.version = version
        message.attributes = OTLPAttributes.keyValues(attributes)
        return message
    }

    /// Nothing for the `InstrumentationScope` message to say: it is left out.
    var isEmpty: Bool { name.isEmpty && version.isEmpty && attributes.isEmpty }

    init(otlp message: ProtoScope, schemaURL: String, notes: inout OTLPPartialSuccess) {
        self.init(
            name: message.name, version: message.version,
            attributes: OTLPAttributes.attributes(message.attributes, owner: "scope", notes: &notes), schemaURL: schemaURL)
    }
}
