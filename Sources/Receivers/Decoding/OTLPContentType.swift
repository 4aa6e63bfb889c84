/// The two bodies OTLP/HTTP defines, named by the request's `Content-Type`; the response
/// is written in the same one (the spec has the server answer in kind).
public enum OTLPContentType: Sendable, Hashable {
    /// `application/x-protobuf`: binary protobuf, what the SDKs send by default.
    case protobuf
    /// `application/json`: the OTLP/JSON mapping (hex ids, lowerCamelCase, 64-bit integers
    /// as strings).
    case json

    /// From a `Content-Type` header value: the media type compared case-insensitively (RFC
    /// 9110 §8.3.1), parameters such as `charset` ignored, as the Collector does. Nil for a
    /// missing header or any other type: the server answers 415.
    public init?(header: String?) {
        guard let header else { return nil }
        let mediaType = header.utf8.prefix { $0 != UInt8(ascii: ";") }
        switch Self.lowercasedTrimmed(mediaType) {
        case Array("application/x-protobuf".utf8): self = .protobuf
        case Array("application/json".utf8): self = .json
        default: return nil
        }
    }

    /// The header value for a response (or a request) in this encoding.
    public var headerValue: String {
        switch self {
        case .protobuf: "application/x-protobuf"
        case .json: "application/json"
        }
    }

    /// ASCII-lowercased, without the spaces and tabs HTTP allows around a header's parts.
    private static func lowercasedTrimmed(_ bytes: Substring.UTF8View) -> [UInt8] {
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !isBlank($0) }), let last = bytes.lastIndex(where: { !isBlank($0) }) else {
            return []
        }
        return bytes[first...last].map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 | 0x20 : $0 }
    }
}
