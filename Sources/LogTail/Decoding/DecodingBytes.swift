/// Byte helpers the decoders share, kept in a namespace so they cannot clash with the
/// rest of the LogTail module.
enum DecodingBytes {
    @inline(__always)
    static func equal(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for index in 0..<lhs.count where lhs[index] != rhs[index] { return false }
        return true
    }

    @inline(__always)
    static func equalsASCII(_ bytes: UnsafeRawBufferPointer, _ word: StaticString) -> Bool {
        equal(bytes, UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
    }

    /// The bytes a token covers (for strings, between the quotes, still escaped).
    @inline(__always)
    static func slice(_ bytes: UnsafeRawBufferPointer, _ token: JSONToken) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[token.start..<token.end])
    }
}
