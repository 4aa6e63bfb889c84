/// A set of bytes as 256 bits in four words: the character classes of both pattern
/// languages (path globs and multiline line patterns).
struct ByteSet: Sendable, Hashable {
    var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }

    mutating func insert(_ byte: UInt8) {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    mutating func insert(_ range: ClosedRange<UInt8>) {
        for byte in range { insert(byte) }
    }

    mutating func remove(_ byte: UInt8) {
        let bit = ~(UInt64(1) << UInt64(byte & 63))
        switch byte >> 6 {
        case 0: words.0 &= bit
        case 1: words.1 &= bit
        case 2: words.2 &= bit
        default: words.3 &= bit
        }
    }

    mutating func formUnion(_ other: ByteSet) {
        words.0 |= other.words.0
        words.1 |= other.words.1
        words.2 |= other.words.2
        words.3 |= other.words.3
    }

    func inverted() -> ByteSet {
        ByteSet(words: (~words.0, ~words.1, ~words.2, ~words.3))
    }

    static func == (lhs: ByteSet, rhs: ByteSet) -> Bool {
        lhs.words == rhs.words
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    static func of(_ build: (inout ByteSet) -> Void) -> ByteSet {
        var set = ByteSet()
        build(&set)
        return set
    }

    static let digit = ByteSet.of { $0.insert(0x30...0x39) }
    static let space = ByteSet.of { for byte: UInt8 in [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D] { $0.insert(byte) } }
    static let blank = ByteSet.of { $0.insert(0x20); $0.insert(0x09) }
    static let upper = ByteSet.of { $0.insert(0x41...0x5A) }
    static let lower = ByteSet.of { $0.insert(0x61...0x7A) }
    static let alpha = ByteSet.of { $0.formUnion(upper); $0.formUnion(lower) }
    static let alnum = ByteSet.of { $0.formUnion(alpha); $0.formUnion(digit) }
    static let word = ByteSet.of { $0.formUnion(alnum); $0.insert(0x5F) }
    static let xdigit = ByteSet.of { $0.formUnion(digit); $0.insert(0x41...0x46); $0.insert(0x61...0x66) }
    static let punct = ByteSet.of { set in
        for byte in UInt8(0x21)...0x7E where !alnum.contains(byte) { set.insert(byte) }
    }
    static let any = ByteSet().inverted()
}
