/// Validation of one UTF-8 sequence per the Unicode Standard's table of well-formed byte
/// sequences (no overlongs, no surrogates, nothing above U+10FFFF).
enum UTF8Sequence {
    /// The length of the well-formed sequence starting at `start` (a byte ≥ 0x80), or minus
    /// the length of its maximal invalid subpart: the bytes that one U+FFFD replaces.
    @inline(__always)
    static func length(in bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Int {
        let count: Int
        // The range the second byte must fall in depends on the lead; the rest are 80...BF.
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch bytes[start] {
        case 0xC2...0xDF: count = 2
        case 0xE0: count = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: count = 3
        case 0xED: count = 3; high = 0x9F
        case 0xF0: count = 4; low = 0x90
        case 0xF1...0xF3: count = 4
        case 0xF4: count = 4; high = 0x8F
        default: return -1
        }
        var index = start + 1
        while index < start + count {
            guard index < bytes.count, bytes[index] >= low, bytes[index] <= high else { return start - index }
            low = 0x80
            high = 0xBF
            index += 1
        }
        return count
    }
}
