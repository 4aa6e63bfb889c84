/// How request bodies are encoded on the wire (`compression:`).
public enum HTTPCompression: String, Sendable, Hashable, CaseIterable {
    case none
    /// `Content-Encoding: gzip`: log lines and JSON shrink five- to tenfold, for little CPU.
    case gzip
}
