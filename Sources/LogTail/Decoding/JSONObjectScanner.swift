import Telemetry
/// A byte range inside the scanned line: a key or a value of the top-level object.
/// For strings the range excludes the quotes and `hasEscapes` says whether it must go
/// through `JSONObjectScanner.unescape` before use.
public struct JSONToken: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case string, number, bool, null, object, array
    }

    public var kind: Kind
    public var start: Int
    public var end: Int
    public var hasEscapes: Bool

    public var count: Int { end - start }
}

/// A purpose-built scanner for one JSON object per log line. It visits the top-level keys
/// and values without building a tree: nested objects and arrays are skipped (but checked
/// for balance), strings are located but not decoded. Log lines carry a handful of fields
/// and the decoder wants four or five of them, so anything more general costs time per line
/// for nothing.
///
/// The whole line must be one object (surrounding whitespace allowed); otherwise `scan`
/// returns false and the caller treats the line as text. UTF-8 is not validated here:
/// strings that become attributes go through `String(decoding:)`, which repairs it.
public enum JSONObjectScanner {
    /// Calls `visit(key, value)` for each top-level member in order. Returns false when the
    /// bytes are not a single well-formed JSON object; members visited before the error
    /// have already been reported, so callers only trust their results on `true`.
    public static func scan(
        _ bytes: UnsafeRawBufferPointer, _ visit: (JSONToken, JSONToken) -> Void
    ) -> Bool {
        var index = skipWhitespace(bytes, 0)
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return false }
        index = skipWhitespace(bytes, index + 1)
        guard index < bytes.count else { return false }
        if bytes[index] == UInt8(ascii: "}") {
            return skipWhitespace(bytes, index + 1) == bytes.count
        }
        while true {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""),
                let key = scanString(bytes, index)
            else { return false }
            index = skipWhitespace(bytes, key.end + 1)
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
            index = skipWhitespace(bytes, index + 1)
            guard let value = scanValue(bytes, index) else { return false }
            visit(key, value)
            index = skipWhitespace(bytes, value.kind == .string ? value.end + 1 : value.end)
            guard index < bytes.count else { return false }
            if bytes[index] == UInt8(ascii: ",") {
                index = skipWhitespace(bytes, index + 1)
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { return false }
            return skipWhitespace(bytes, index + 1) == bytes.count
        }
    }

    /// Appends the decoded content of a string token: escapes resolved, `\uXXXX` turned into
    /// UTF-8 (surrogate pairs joined, a lone surrogate becomes U+FFFD). Returns false on a
    /// malformed escape; what was appended up to there stays.
    @discardableResult
    public static func unescape(_ bytes: UnsafeRawBufferPointer, _ token: JSONToken, into out: inout [UInt8]) -> Bool {
        if !token.hasEscapes {
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[token.start..<token.end]))
            return true
        }
        var index = token.start
        var runStart = index
        while index < token.end {
            guard bytes[index] == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<index]))
            guard index + 1 < token.end else { return false }
            let escaped = bytes[index + 1]
            index += 2
            if let decoded = JSONString.shortEscape(escaped) {
                out.append(decoded)
            } else {
                guard escaped == UInt8(ascii: "u"), let unit = hex4(bytes, index, token.end) else { return false }
                index += 4
                var scalar = UInt32(unit)
                if unit >= 0xD800 && unit < 0xDC00 {
                    if index + 6 <= token.end, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
                        let low = hex4(bytes, index + 2, token.end), low >= 0xDC00 && low < 0xE000
                    {
                        scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                        index += 6
                    } else {
                        scalar = 0xFFFD
                    }
                } else if unit >= 0xDC00 && unit < 0xE000 {
                    scalar = 0xFFFD
                }
                appendUTF8(scalar, to: &out)
            }
            runStart = index
        }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<token.end]))
        return true
    }

    /// True when the token's raw bytes equal `name` (keys with escapes never match: field
    /// names in configs are plain ASCII).
    @inline(__always)
    public static func token(_ token: JSONToken, in bytes: UnsafeRawBufferPointer, equals name: [UInt8]) -> Bool {
        guard !token.hasEscapes, token.count == name.count else { return false }
        return name.withUnsafeBytes { expected in
            DecodingBytes.equal(UnsafeRawBufferPointer(rebasing: bytes[token.start..<token.end]), expected)
        }
    }

    // MARK: - Scanning

    @inline(__always)
    static func skipWhitespace(_ bytes: UnsafeRawBufferPointer, _ start: Int) -> Int {
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return index
            }
        }
        return index
    }

    /// `start` is at the opening quote; the token excludes both quotes.
    static func scanString(_ bytes: UnsafeRawBufferPointer, _ start: Int) -> JSONToken? {
        var index = start + 1
        var hasEscapes = false
        while index < bytes.count {
            // Skip eight ordinary string bytes at a time: no quote, backslash or control byte.
            if let base = bytes.baseAddress {
                while index + 8 <= bytes.count {
                    let word = ByteWord.load(base, index)
                    if ByteWord.has(UInt8(ascii: "\""), in: word) || ByteWord.has(UInt8(ascii: "\\"), in: word)
                        || ByteWord.hasLess(than: 0x20, in: word)
                    {
                        break
                    }
                    index += 8
                }
                if index >= bytes.count { break }
            }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                return JSONToken(kind: .string, start: start + 1, end: index, hasEscapes: hasEscapes)
            }
            if byte == UInt8(ascii: "\\") {
                // Escapes are checked here, not only when decoding, so a line with a bad one
                // is refused as a whole rather than half-used.
                guard index + 1 < bytes.count else { return nil }
                switch bytes[index + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 2
                case UInt8(ascii: "u"):
                    guard hex4(bytes, index + 2, bytes.count) != nil else { return nil }
                    index += 6
                default:
                    return nil
                }
                hasEscapes = true
                continue
            }
            if byte < 0x20 { return nil }
            index += 1
        }
        return nil
    }

    static func scanValue(_ bytes: UnsafeRawBufferPointer, _ start: Int) -> JSONToken? {
        guard start < bytes.count else { return nil }
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return scanString(bytes, start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            guard let end = skipNested(bytes, start) else { return nil }
            return JSONToken(kind: bytes[start] == UInt8(ascii: "{") ? .object : .array, start: start, end: end, hasEscapes: false)
        case UInt8(ascii: "t"):
            return literal(bytes, start, "true", .bool)
        case UInt8(ascii: "f"):
            return literal(bytes, start, "false", .bool)
        case UInt8(ascii: "n"):
            return literal(bytes, start, "null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return scanNumber(bytes, start)
        default:
            return nil
        }
    }

    private static func literal(
        _ bytes: UnsafeRawBufferPointer, _ start: Int, _ word: StaticString, _ kind: JSONToken.Kind
    ) -> JSONToken? {
        let length = word.utf8CodeUnitCount
        guard start + length <= bytes.count else { return nil }
        let pointer = word.utf8Start
        for offset in 0..<length where bytes[start + offset] != pointer[offset] { return nil }
        return JSONToken(kind: kind, start: start, end: start + length, hasEscapes: false)
    }

    /// JSON number grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private static func scanNumber(_ bytes: UnsafeRawBufferPointer, _ start: Int) -> JSONToken? {
        var index = start
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        let integerDigits = index - integerStart
        guard integerDigits > 0, integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else { return nil }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            guard index > fractionStart else { return nil }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            let exponentStart = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            guard index > exponentStart else { return nil }
        }
        return JSONToken(kind: .number, start: start, end: index, hasEscapes: false)
    }

    /// Skips a nested object or array, returning the index just past its closing bracket.
    /// Checks bracket balance and string termination only: the content is not ours to use.
    private static func skipNested(_ bytes: UnsafeRawBufferPointer, _ start: Int) -> Int? {
        var stack: [UInt8] = []
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "{"): stack.append(UInt8(ascii: "}"))
            case UInt8(ascii: "["): stack.append(UInt8(ascii: "]"))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard stack.popLast() == byte else { return nil }
                if stack.isEmpty { return index + 1 }
            case UInt8(ascii: "\""):
                guard let string = scanString(bytes, index) else { return nil }
                index = string.end
            default:
                break
            }
            index += 1
        }
        return nil
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    /// Four hex digits of a `\uXXXX` escape, within `end`.
    private static func hex4(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> UInt16? {
        guard start + 4 <= end else { return nil }
        return HexDigit.parse(bytes, from: start, count: 4).map { UInt16(truncatingIfNeeded: $0) }
    }

    private static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(0xC0 | UInt8(scalar >> 6))
            out.append(0x80 | UInt8(scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(0xE0 | UInt8(scalar >> 12))
            out.append(0x80 | UInt8((scalar >> 6) & 0x3F))
            out.append(0x80 | UInt8(scalar & 0x3F))
        default:
            out.append(0xF0 | UInt8(scalar >> 18))
            out.append(0x80 | UInt8((scalar >> 12) & 0x3F))
            out.append(0x80 | UInt8((scalar >> 6) & 0x3F))
            out.append(0x80 | UInt8(scalar & 0x3F))
        }
    }
}
