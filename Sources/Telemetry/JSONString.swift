/// JSON string literals (RFC 8259) written straight into a byte buffer.
///
/// Log bodies are bytes as read from files, so they may hold invalid UTF-8. Each maximal
/// invalid subpart becomes one U+FFFD (Unicode's recommended practice, and what Swift's
/// `String(decoding:as:)` does), so the output is valid UTF-8 that every JSON parser takes.
public enum JSONString {
    /// The byte a two-character escape (`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`) stands
    /// for, given the character after the backslash; nil for `u` (four hex digits follow) and
    /// for anything JSON does not allow.
    @inline(__always)
    public static func shortEscape(_ letter: UInt8) -> UInt8? {
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): letter
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
    }

    public static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        // Native strings are already contiguous UTF-8: no copy, no per-field String work.
        text.withUTF8 { append(bytes: $0, to: &out) }
    }

    public static func append(_ bytes: [UInt8], to out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { append(bytes: $0, to: &out) }
    }

    /// Copies runs of bytes that need no escaping in one go: most log text is plain ASCII,
    /// and a memcpy per run beats an append per byte.
    public static func append(bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var runStart = 0
        var index = 0
        while index < bytes.count {
            // Eight plain printable ASCII bytes at a time (the usual log text).
            if let base = bytes.baseAddress {
                while index + 8 <= bytes.count {
                    let word = ByteWord.load(UnsafeRawPointer(base), index)
                    if ByteWord.hasHighBit(word) || ByteWord.hasLess(than: 0x20, in: word) || ByteWord.has(0x7F, in: word)
                        || ByteWord.has(UInt8(ascii: "\""), in: word) || ByteWord.has(UInt8(ascii: "\\"), in: word)
                    {
                        break
                    }
                    index += 8
                }
                if index >= bytes.count { break }
            }
            let byte = bytes[index]
            if byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            if byte >= 0x80 {
                let length = UTF8Sequence.length(in: bytes, at: index)
                if length > 0 {
                    index += length
                    continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                out.append(contentsOf: [0xEF, 0xBF, 0xBD] as [UInt8])
                index -= length
                runStart = index
                continue
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            appendEscape(byte, to: &out)
            index += 1
            runStart = index
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
        out.append(UInt8(ascii: "\""))
    }

    /// Short escapes for the characters people read in stack traces (newline, tab, CR);
    /// `\u00XX` for every other control character and DEL, so raw terminal control codes
    /// never reach a `kubectl logs` screen.
    private static func appendEscape(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
        case UInt8(ascii: "\n"): out.append(UInt8(ascii: "n"))
        case UInt8(ascii: "\r"): out.append(UInt8(ascii: "r"))
        case UInt8(ascii: "\t"): out.append(UInt8(ascii: "t"))
        default:
            out.append(UInt8(ascii: "u"))
            out.append(UInt8(ascii: "0"))
            out.append(UInt8(ascii: "0"))
            out.append(HexDigit.lowercase(byte >> 4))
            out.append(HexDigit.lowercase(byte & 0xF))
        }
    }
}
