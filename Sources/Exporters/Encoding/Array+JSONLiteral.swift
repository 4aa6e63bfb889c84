extension Array where Element == UInt8 {
    /// Appends fixed JSON syntax (keys, punctuation) from static storage: no `String`, no
    /// UTF-8 transcoding, one copy.
    @inline(__always)
    mutating func appendLiteral(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }
}
