/// How a request body was compressed, from its `Content-Encoding` header: what the
/// Collector's HTTP server takes from the SDKs (gzip is the one they send; `deflate` is
/// the zlib format, per RFC 9110 §8.4.1.2).
enum OTLPContentEncoding: Sendable, Hashable {
    case identity
    case gzip
    case deflate

    /// Case-insensitive, surrounding blanks ignored; an absent or empty header is
    /// `identity`. Anything else (`br`, `zstd`, or a list such as `gzip, gzip`) is refused
    /// with 400 naming it, as the Collector does.
    init(header: String?) throws(OTLPRequestError) {
        let name = (header ?? "").trimmingBlanks.lowercased()
        switch name {
        case "", "identity": self = .identity
        case "gzip", "x-gzip": self = .gzip
        case "deflate": self = .deflate
        default:
            throw .badRequest("unsupported Content-Encoding \(OTLPQuote.short(name)) (gzip, deflate or identity)")
        }
    }
}

extension String {
    /// Without the spaces and tabs HTTP allows around a header value.
    fileprivate var trimmingBlanks: Substring {
        let isBlank = { (character: Character) in character == " " || character == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else { return "" }
        return self[first...last]
    }
}
