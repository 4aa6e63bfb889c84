#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Telemetry

/// An `AnyValue` as text, where the model holds only text or bytes: a log body that an SDK
/// sent as a number or a map, a metric label that is not a string. The spelling is the
/// Collector's `Value.AsString()`: integers and booleans as written, doubles as its JSON
/// numbers (`OTLPDoubleText`), bytes in base64, arrays and maps as JSON.
///
/// Where it differs from the Collector's (whose JSON is Go's `json.Marshal` of the value):
/// NaN and infinities are `NaN`/`+Inf`/`-Inf` on their own and JSON strings inside arrays
/// and maps (the Collector writes an error text and an empty string); map keys keep the
/// sender's order (Go sorts them), and `<`, `>`, `&` are not escaped.
enum OTLPValueText {
    static func text(_ any: ProtoAnyValue) -> String {
        switch any.value {
        case .stringValue(let text): return text
        case .boolValue(let flag): return flag ? "true" : "false"
        case .intValue(let number): return String(number)
        case .doubleValue(let number): return OTLPDoubleText.text(number)
        case .bytesValue(let data): return data.base64EncodedString()
        case .arrayValue, .kvlistValue:
            var out: [UInt8] = []
            appendJSON(any, to: &out)
            return String(decoding: out, as: UTF8.self)
        case .stringValueStrindex, nil: return ""
        }
    }

    private static func appendJSON(_ any: ProtoAnyValue, to out: inout [UInt8]) {
        switch any.value {
        case .stringValue(let text): JSONString.append(text, to: &out)
        case .boolValue(let flag): out += Array((flag ? "true" : "false").utf8)
        case .intValue(let number): out += Array(String(number).utf8)
        case .doubleValue(let number):
            // JSON has no NaN or infinities: those are strings, as the proto3 JSON mapping writes them.
            if number.isFinite {
                out += Array(OTLPDoubleText.text(number).utf8)
            } else {
                JSONString.append(number.isNaN ? "NaN" : number < 0 ? "-Infinity" : "Infinity", to: &out)
            }
        case .bytesValue(let data): JSONString.append(data.base64EncodedString(), to: &out)
        case .arrayValue(let array):
            out.append(UInt8(ascii: "["))
            for (index, element) in array.values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                appendJSON(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .kvlistValue(let list):
            out.append(UInt8(ascii: "{"))
            for (index, entry) in list.values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONString.append(entry.key, to: &out)
                out.append(UInt8(ascii: ":"))
                appendJSON(entry.value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .stringValueStrindex, nil: out += Array("null".utf8)
        }
    }
}
