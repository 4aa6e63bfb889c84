/// Lowercase hexadecimal, as W3C Trace Context, OTLP/JSON and JSON `\u00XX` escapes write it.
public enum HexDigit {
    @inline(__always)
    public static func lowercase(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    /// 16 digits of `value`, most significant first: all nibbles spread to bytes and turned
    /// into ASCII at once, then one append.
    public static func append(_ value: UInt64, to out: inout [UInt8]) {
        var digits = (ascii(UInt32(truncatingIfNeeded: value >> 32)), ascii(UInt32(truncatingIfNeeded: value)))
        withUnsafeBytes(of: &digits) { out.append(contentsOf: $0) }
    }

    /// Eight lowercase hex digits of `value` as bytes in memory order (most significant first).
    @inline(__always)
    private static func ascii(_ value: UInt32) -> UInt64 {
        var v = UInt64(value)
        v = (v | v << 16) & 0x0000_FFFF_0000_FFFF
        v = (v | v << 8) & 0x00FF_00FF_00FF_00FF
        v = (v | v << 4) & 0x0F0F_0F0F_0F0F_0F0F  // nibble i (from the low end) in byte i
        let letters = ((v &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101  // 1 where nibble ≥ 10
        let text = v &+ 0x3030_3030_3030_3030 &+ letters &* 39  // "a" − "0" − 10 = 39
        return text.byteSwapped.littleEndian  // most significant nibble first in memory
    }

    /// A trace id as a quoted 32-digit JSON string.
    public static func appendQuoted(_ id: TraceID, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        append(id.high, to: &out)
        append(id.low, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// A span id as a quoted 16-digit JSON string.
    public static func appendQuoted(_ id: SpanID, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        append(id.value, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    static func string(_ value: UInt64) -> String {
        var digits: [UInt8] = []
        digits.reserveCapacity(16)
        append(value, to: &digits)
        return String(decoding: digits, as: UTF8.self)
    }

    /// `count` hex digits of either case at `start` in raw bytes (a framed log line); nil on
    /// anything else. Not generic, so callers in other modules get the specialised loop.
    public static func parse(_ bytes: UnsafeRawBufferPointer, from start: Int, count: Int) -> UInt64? {
        guard start >= 0, count <= 16, start + count <= bytes.count else { return nil }
        // Branch-free: ids are random hex, so a digit-or-letter branch mispredicts often.
        var value: UInt64 = 0
        var invalid: UInt8 = 0
        for index in start..<(start + count) {
            let byte = bytes[index]
            let digit = byte &- UInt8(ascii: "0")
            let letter = (byte | 0x20) &- UInt8(ascii: "a")
            let isDigit = digit < 10
            invalid |= (isDigit ? 0 : 1) & (letter < 6 ? 0 : 1)
            value = value << 4 | UInt64(isDigit ? digit : letter &+ 10)
        }
        return invalid == 0 ? value : nil
    }

    /// The value of one hex digit of either case (only lowercase with `lowercaseOnly`); nil
    /// for any other byte.
    @inline(__always)
    public static func value(_ byte: UInt8, lowercaseOnly: Bool = false) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F") where !lowercaseOnly: byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Hex digits of either case (only lowercase with `lowercaseOnly`, as W3C Trace Context
    /// requires); nil on anything else.
    static func parse<Bytes: Collection>(_ bytes: Bytes, lowercaseOnly: Bool = false) -> UInt64? where Bytes.Element == UInt8 {
        var value: UInt64 = 0
        for byte in bytes {
            guard let nibble = Self.value(byte, lowercaseOnly: lowercaseOnly) else { return nil }
            value = value << 4 | UInt64(nibble)
        }
        return value
    }
}
