import Telemetry

/// OTLP/JSON writes trace and span ids as hex (`"traceId": "5b8efff798038103d269b633813fc60c"`),
/// an exception to the proto3 JSON mapping, which swift-protobuf follows and under which
/// `bytes` fields are base64. So before parsing, the ids are rewritten to base64 in place:
/// a byte-level pass over the body that finds every object key named `traceId`, `spanId`
/// or `parentSpanId` (or the proto field names `trace_id`, `span_id`, `parent_span_id`,
/// which proto3 JSON parsers also accept) whose value is a string, and replaces the hex
/// with the base64 of the same bytes. These keys name id fields wherever they occur in
/// OTLP (spans, links, log records, exemplars), and user data never appears as a key
/// (attributes are `{"key": …, "value": …}` lists), so no schema is needed. An id key
/// inside an unknown field is rewritten too, and refused if it is not hex (the Collector
/// would skip it): a sender that puts non-ids under those names is not worth a schema.
///
/// Everything else is copied byte for byte; malformed JSON is left for the parser to
/// refuse. The pass is linear (each byte is looked at a bounded number of times), holds
/// no stack however deep the nesting, and never reads outside the body, whatever it is.
enum OTLPJSONIDs {
    /// An id key, and how many bytes its value has.
    struct Field {
        var name: String
        var key: [UInt8]
        var byteCount: Int
    }

    static let fields = [
        Field(name: "traceId", key: Array("traceId".utf8), byteCount: 16),
        Field(name: "spanId", key: Array("spanId".utf8), byteCount: 8),
        Field(name: "parentSpanId", key: Array("parentSpanId".utf8), byteCount: 8),
        Field(name: "trace_id", key: Array("trace_id".utf8), byteCount: 16),
        Field(name: "span_id", key: Array("span_id".utf8), byteCount: 8),
        Field(name: "parent_span_id", key: Array("parent_span_id".utf8), byteCount: 8),
    ]

    /// The longest key that can still be an id key once its escapes are decoded: 14
    /// characters, each at most a 6-byte `\uXXXX`.
    static let maxEscapedKeyBytes = 14 * 6

    /// The body with its hex ids in base64 (the same array when it has none).
    ///
    /// Hex digits of either case are taken: the OTLP spec writes lowercase, but the spec's
    /// own examples use uppercase and the Collector (Go's `hex.Decode`) accepts both. An
    /// empty string stays empty (no id), as in the Collector.
    /// - Throws: 400 naming the field and where it is when an id is not hex or does not
    ///   have 32 (trace) or 16 (span) digits.
    static func rewrite(_ json: [UInt8]) throws(OTLPRequestError) -> [UInt8] {
        let rewritten = try json.withUnsafeBufferPointer { (bytes) throws(OTLPRequestError) -> [UInt8]? in
            var out: [UInt8] = []
            var copied = 0  // bytes before this are in `out` (once something was rewritten)
            var index = 0
            var id: [UInt8] = []
            while let open = nextQuote(bytes, from: index) {
                guard let key = stringEnd(bytes, open) else { break }  // unterminated: the parser says so
                index = key.close + 1
                guard let field = idField(bytes, open + 1, key.close, escaped: key.escaped) else { continue }
                let colon = skipBlanks(bytes, key.close + 1)
                guard colon < bytes.count, bytes[colon] == UInt8(ascii: ":") else { continue }  // a value, not a key
                let valueOpen = skipBlanks(bytes, colon + 1)
                index = valueOpen
                // Not a string (null, a number, garbage): left for the parser to take or refuse.
                guard valueOpen < bytes.count, bytes[valueOpen] == UInt8(ascii: "\"") else { continue }
                guard let value = stringEnd(bytes, valueOpen) else { break }
                index = value.close + 1
                if value.close == valueOpen + 1 { continue }  // "": no id, nothing to rewrite
                try decodeHex(bytes, valueOpen + 1, value.close, escaped: value.escaped, field: field, at: valueOpen, into: &id)
                if out.isEmpty { out.reserveCapacity(bytes.count) }
                out.append(contentsOf: bytes[copied..<valueOpen])
                appendBase64Quoted(id, to: &out)
                copied = value.close + 1
            }
            guard copied > 0 else { return nil }
            out.append(contentsOf: bytes[copied...])
            return out
        }
        return rewritten ?? json
    }

    private static func nextQuote(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\"") { return index }
            index += 1
        }
        return nil
    }

    /// The closing quote of the string opened at `open`, and whether it has escapes; nil
    /// when the body ends first.
    private static func stringEnd(_ bytes: UnsafeBufferPointer<UInt8>, _ open: Int) -> (close: Int, escaped: Bool)? {
        var index = open + 1
        var escaped = false
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""): return (index, escaped)
            case UInt8(ascii: "\\"):
                escaped = true
                index += 2
            default: index += 1
            }
        }
        return nil
    }

    private static func skipBlanks(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): index += 1
            default: return index
            }
        }
        return index
    }

    /// The id field a key names, comparing the key as the parser will read it (escapes
    /// decoded: `"trace\u0049d"` is `traceId`).
    private static func idField(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, escaped: Bool) -> Field? {
        let count = end - start
        if !escaped {
            guard count >= 6, count <= 14 else { return nil }  // the usual key is not an id's
            let key = UnsafeBufferPointer(rebasing: bytes[start..<end])
            return fields.first { $0.key.elementsEqual(key) }
        }
        guard count <= maxEscapedKeyBytes, let key = unescapeASCII(bytes, start, end) else { return nil }
        return fields.first { $0.key == key }
    }

    /// The string's content with its escapes decoded, when all of it is ASCII; nil for an
    /// invalid escape or any character beyond ASCII (neither is part of a key or hex id).
    static func unescapeASCII(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(end - start)
        var index = start
        while index < end {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\") else {
                guard byte < 0x80 else { return nil }
                out.append(byte)
                index += 1
                continue
            }
            guard index + 1 < end else { return nil }
            if let decoded = JSONString.shortEscape(bytes[index + 1]) {
                out.append(decoded)
            } else if bytes[index + 1] == UInt8(ascii: "u") {
                guard index + 6 <= end, let scalar = HexDigit.parse(UnsafeRawBufferPointer(bytes), from: index + 2, count: 4),
                    scalar < 0x80
                else { return nil }
                out.append(UInt8(scalar))
                index += 4
            } else {
                return nil
            }
            index += 2
        }
        return out
    }

    /// The id's bytes into `id`, from the string between `start` and `end`.
    private static func decodeHex(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, escaped: Bool, field: Field, at offset: Int,
        into id: inout [UInt8]
    ) throws(OTLPRequestError) {
        let invalid = { (problem: String) in OTLPRequestError.badRequest("invalid \(field.name) at byte \(offset): \(problem)") }
        let unescaped = escaped ? unescapeASCII(bytes, start, end) : nil
        if escaped && unescaped == nil { throw invalid("an escape that is not a hex digit") }
        let digitCount = unescaped?.count ?? end - start
        let digit = { (position: Int) in unescaped?[position] ?? bytes[start + position] }
        id.removeAll(keepingCapacity: true)
        var high: UInt8 = 0
        for position in 0..<digitCount {
            guard let nibble = HexDigit.value(digit(position)) else {
                throw invalid("\(OTLPQuote.byte(digit(position))) is not a hex digit")
            }
            if position & 1 == 0 { high = nibble << 4 } else { id.append(high | nibble) }
        }
        guard digitCount == field.byteCount * 2 else {
            throw invalid("\(digitCount) hex digits, want \(field.byteCount * 2)")
        }
    }

    private static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard base64 with padding (RFC 4648 §4), quoted: what proto3 JSON reads as bytes.
    private static func appendBase64Quoted(_ bytes: [UInt8], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let group = UInt32(bytes[index]) << 16
                | (remaining > 1 ? UInt32(bytes[index + 1]) << 8 : 0)
                | (remaining > 2 ? UInt32(bytes[index + 2]) : 0)
            out.append(base64Alphabet[Int(group >> 18 & 0x3F)])
            out.append(base64Alphabet[Int(group >> 12 & 0x3F)])
            out.append(remaining > 1 ? base64Alphabet[Int(group >> 6 & 0x3F)] : UInt8(ascii: "="))
            out.append(remaining > 2 ? base64Alphabet[Int(group & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        out.append(UInt8(ascii: "\""))
    }
}
