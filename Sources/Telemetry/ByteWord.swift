/// Eight bytes tested at once (SWAR), for the loops that skip over plain text — JSON string
/// scanning and escaping — where a byte-at-a-time loop is the hot path. Each test says
/// exactly whether *some* byte of the word qualifies; the caller then finds which one with
/// its ordinary byte loop. Inlinable: the callers are other modules' inner loops.
public enum ByteWord {
    @inlinable @inline(__always)
    static func repeated(_ byte: UInt8) -> UInt64 { 0x0101_0101_0101_0101 &* UInt64(byte) }

    /// Eight bytes at `offset` (unaligned), first byte in the low bits.
    @inlinable @inline(__always)
    public static func load(_ base: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    @inlinable @inline(__always)
    public static func hasZero(_ word: UInt64) -> Bool {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0
    }

    @inlinable @inline(__always)
    public static func has(_ byte: UInt8, in word: UInt64) -> Bool { hasZero(word ^ repeated(byte)) }

    /// Some byte is below `bound` (`bound` ≤ 128).
    @inlinable @inline(__always)
    public static func hasLess(than bound: UInt8, in word: UInt64) -> Bool {
        (word &- repeated(bound)) & ~word & 0x8080_8080_8080_8080 != 0
    }

    /// 0x80 in exactly the bytes of `word` equal to `byte`, 0 elsewhere (no false positives,
    /// so the bits locate the matches: `trailingZeroBitCount / 8`).
    @inlinable @inline(__always)
    public static func matches(_ byte: UInt8, in word: UInt64) -> UInt64 {
        let v = word ^ repeated(byte)
        return ~(((v & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | v | 0x7F7F_7F7F_7F7F_7F7F)
    }

    /// ASCII letters folded to lowercase (other bytes change too: compare letters only).
    @inlinable @inline(__always)
    public static func lowercased(_ word: UInt64) -> UInt64 { word | 0x2020_2020_2020_2020 }

    /// Some byte is ≥ 0x80 (not ASCII).
    @inlinable @inline(__always)
    public static func hasHighBit(_ word: UInt64) -> Bool { word & 0x8080_8080_8080_8080 != 0 }
}
