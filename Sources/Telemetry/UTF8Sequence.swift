/// UTF-8 validation per the Unicode Standard's table of well-formed byte sequences (no
/// overlongs, no surrogates, nothing above U+10FFFF): what `String(validating:as:)` accepts,
/// answered on bytes without building a string. The one implementation behind the JSON
/// string writer, LogTail's line validation and repair, and OTLP's string fields.
///
/// `@inlinable` because the callers are hot loops in other modules (framing log chunks,
/// reading and writing protobuf strings), where a call per byte sequence would show.
public enum UTF8Sequence {
    /// Whether `bytes` is entirely well-formed UTF-8.
    @inlinable
    public static func isValid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer(isValid)
    }

    /// Whether `bytes` is entirely well-formed UTF-8. Log lines and attribute values are
    /// almost always ASCII, so that case is nearly free: 32, then 8 bytes per step while no
    /// high bit is set.
    @inlinable
    public static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let start = bytes.baseAddress else { return true }
        let base = UnsafeRawPointer(start)
        let count = bytes.count
        var index = 0
        while index < count {
            if index + 32 <= count,
                (base.loadUnaligned(fromByteOffset: index, as: UInt64.self) | base.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self)
                    | base.loadUnaligned(fromByteOffset: index + 16, as: UInt64.self)
                    | base.loadUnaligned(fromByteOffset: index + 24, as: UInt64.self)) & 0x8080_8080_8080_8080 == 0
            {
                index += 32
                continue
            }
            if index + 8 <= count, base.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index += 8
                continue
            }
            if bytes[index] < 0x80 {
                index += 1
                continue
            }
            let length = length(in: bytes, at: index)
            if length <= 0 { return false }
            index += length
        }
        return true
    }

    /// The length of the well-formed sequence starting at `start` (a byte ≥ 0x80), or minus
    /// the length of its maximal invalid subpart: the bytes that one U+FFFD replaces.
    @inlinable @inline(__always)
    public static func length(in bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Int {
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
        default: return -1  // continuation byte, C0, C1, F5...FF
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
