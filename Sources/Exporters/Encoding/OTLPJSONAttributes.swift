import Telemetry

/// Attributes in the OTLP/JSON mapping: a list of `{"key":…,"value":AnyValue}`, where
/// AnyValue names its type (`stringValue`, `intValue` as a decimal string because it is an
/// int64, `doubleValue`, `boolValue`, `bytesValue` in base64, `arrayValue`, `kvlistValue`).
/// Typed, unlike `JSONAttributes`, so an OTLP/JSON reader gets back exactly what we had.
enum OTLPJSONAttributes {
    static func appendList(_ attributes: Attributes, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (index, pair) in attributes.pairs.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendEntry(pair.key, pair.value, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// A metric sample's labels as its point's attributes: strings, or the int, double or
    /// bool an SDK sent while the text still reads as one (`MetricSample.forEachAttribute`).
    static func appendList(labelsOf sample: MetricSample, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        var first = true
        sample.forEachAttribute { name, value in
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            appendEntry(name, value, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    private static func appendEntry(_ key: String, _ value: AttributeValue, to out: inout [UInt8]) {
        out.appendLiteral("{\"key\":")
        JSONString.append(key, to: &out)
        out.appendLiteral(",\"value\":")
        appendAnyValue(value, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    static func appendAnyValue(_ value: AttributeValue, to out: inout [UInt8]) {
        switch value {
        case .string(let text):
            out.appendLiteral("{\"stringValue\":")
            JSONString.append(text, to: &out)
        case .bool(let flag):
            out.appendLiteral(flag ? "{\"boolValue\":true" : "{\"boolValue\":false")
        case .int(let number):
            out.appendLiteral("{\"intValue\":\"")
            JSONNumber.append(number, to: &out)
            out.append(UInt8(ascii: "\""))
        case .double(let number):
            out.appendLiteral("{\"doubleValue\":")
            JSONNumber.append(number, nonFinite: .protobuf, to: &out)
        case .bytes(let bytes):
            out.appendLiteral("{\"bytesValue\":")
            Base64.appendQuoted(bytes, to: &out)
        case .array(let values):
            out.appendLiteral("{\"arrayValue\":{\"values\":[")
            for (index, element) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                appendAnyValue(element, to: &out)
            }
            out.appendLiteral("]}")
        case .map(let nested):
            out.appendLiteral("{\"kvlistValue\":{\"values\":")
            appendList(nested, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "}"))
    }
}
