import Telemetry

/// Attributes as a plain JSON object (`{"http.method":"GET","retries":2}`): the shape of
/// the flat log and metric objects, which jq, Vector and Fluent Bit users index directly.
///
/// The plain shape cannot say a value's type, so: int64 is a JSON number (exact up to 2^53
/// in JavaScript readers), bytes are a base64 string as in OTLP/JSON, and non-finite doubles
/// are the strings `"NaN"`, `"+Inf"`, `"-Inf"` as in the metric values.
enum JSONAttributes {
    static func appendObject(_ attributes: Attributes, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (index, pair) in attributes.pairs.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONString.append(pair.key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendValue(pair.value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    static func appendValue(_ value: AttributeValue, to out: inout [UInt8]) {
        switch value {
        case .string(let text): JSONString.append(text, to: &out)
        case .bool(let flag): flag ? out.appendLiteral("true") : out.appendLiteral("false")
        case .int(let number): JSONNumber.append(number, to: &out)
        case .double(let number): JSONNumber.append(number, nonFinite: .prometheus, to: &out)
        case .bytes(let bytes): Base64.appendQuoted(bytes, to: &out)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                appendValue(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .map(let nested): appendObject(nested, to: &out)
        }
    }
}
