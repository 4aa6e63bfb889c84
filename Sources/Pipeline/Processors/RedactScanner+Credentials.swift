/// Matchers for credentials: authorization schemes, URL user info and secret-named keys.
/// Each takes the trigger position and returns the range to mask.
extension RedactScanner {
    private static let bearerWord = Array("bearer".utf8)
    private static let basicWord = Array("basic".utf8)

    /// At `B` of `Bearer <token>`: the token.
    func bearerToken(at index: Int, in input: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        guard let start = afterScheme(Self.bearerWord, at: index, in: input) else { return nil }
        var end = start
        var lettersOnly = true
        while end < input.count, RedactBytes.isTokenCharacter(input[end]) {
            lettersOnly = lettersOnly && RedactBytes.isLetter(input[end])
            end += 1
        }
        guard end > start, !lettersOnly || end - start >= 8 else { return nil }
        while end < input.count, input[end] == UInt8(ascii: "=") { end += 1 }
        return start..<end
    }

    /// At `B` of `Basic <base64>`: the base64, when it decodes to `user:password`. The
    /// decoding check is what tells a credential from the word in prose ("Basic setup").
    func basicCredentials(at index: Int, in input: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        guard let start = afterScheme(Self.basicWord, at: index, in: input) else { return nil }
        var end = start
        var bits: UInt32 = 0
        var bitCount = 0
        var hasColon = false
        while end < input.count, let value = RedactBytes.base64Value(input[end]) {
            bits = bits << 6 | UInt32(value)
            bitCount += 6
            if bitCount >= 8 {
                bitCount -= 8
                if UInt8(truncatingIfNeeded: bits >> UInt32(bitCount)) == UInt8(ascii: ":") { hasColon = true }
            }
            end += 1
        }
        let length = end - start
        guard hasColon, length >= 4, length % 4 != 1 else { return nil }
        var padding = 0
        while end < input.count, padding < 2, input[end] == UInt8(ascii: "=") {
            end += 1
            padding += 1
        }
        // A run cut short by a word character is something else (`Basic abc_def`).
        if end < input.count, RedactBytes.isWord(input[end]) || input[end] == UInt8(ascii: "-") { return nil }
        return start..<end
    }

    /// At `:` of `scheme://user:password@host`: the password.
    func urlPassword(at index: Int, in input: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        guard index > 0, RedactBytes.isAlphanumeric(input[index - 1]), index + 3 < input.count,
            input[index + 1] == UInt8(ascii: "/"), input[index + 2] == UInt8(ascii: "/")
        else { return nil }
        var cursor = index + 3
        var colon: Int?
        while cursor < input.count {
            switch input[cursor] {
            case UInt8(ascii: "@"):
                guard let colon, colon + 1 < cursor else { return nil }
                return (colon + 1)..<cursor
            case UInt8(ascii: ":"):
                if colon == nil { colon = cursor }
            case UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"), UInt8(ascii: "\""), UInt8(ascii: "'"),
                UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\\"), 0...0x20, 0x7F:
                return nil
            default:
                break
            }
            cursor += 1
        }
        return nil
    }

    /// At the `:` or `=` after a secret-named key: the value. Quoted values are masked
    /// inside their quotes (escapes honoured, and `\"…\"` for JSON inside a JSON string);
    /// an unterminated quote masks to the end, since the value clearly started.
    func secretValue(at index: Int, in input: UnsafeBufferPointer<UInt8>, floor: Int) -> Range<Int>? {
        var keyEnd = index
        while keyEnd > floor, RedactBytes.isBlank(input[keyEnd - 1]) { keyEnd -= 1 }
        if keyEnd > floor, input[keyEnd - 1] == UInt8(ascii: "\"") || input[keyEnd - 1] == UInt8(ascii: "'") {
            keyEnd -= 1
            if keyEnd > floor, input[keyEnd - 1] == UInt8(ascii: "\\") { keyEnd -= 1 }
        }
        var keyStart = keyEnd
        while keyStart > floor, keyEnd - keyStart < 64, RedactBytes.isKey(input[keyStart - 1]) { keyStart -= 1 }
        guard keyStart < keyEnd, isSecretKey(input, keyStart..<keyEnd) else { return nil }

        let count = input.count
        var start = index + 1
        while start < count, RedactBytes.isBlank(input[start]) { start += 1 }
        guard start < count else { return nil }
        let opening = input[start]
        if opening == UInt8(ascii: "\"") || opening == UInt8(ascii: "'") {
            var end = start + 1
            while end < count, input[end] != opening {
                end += input[end] == UInt8(ascii: "\\") ? 2 : 1
            }
            end = min(end, count)
            return end > start + 1 ? (start + 1)..<end : nil
        }
        if opening == UInt8(ascii: "\\"), start + 1 < count, input[start + 1] == UInt8(ascii: "\"") {
            var end = start + 2
            while end + 1 < count, !(input[end] == UInt8(ascii: "\\") && input[end + 1] == UInt8(ascii: "\"")) { end += 1 }
            if end + 1 >= count { end = count }
            return end > start + 2 ? (start + 2)..<end : nil
        }
        var end = start
        while end < count, !Self.endsUnquotedValue(input[end]) { end += 1 }
        return end > start ? start..<end : nil
    }

    /// Where `key=value` values end in logfmt, query strings, headers and JSON.
    private static func endsUnquotedValue(_ byte: UInt8) -> Bool {
        switch byte {
        case 0...0x20, 0x7F, UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "&"), UInt8(ascii: "}"), UInt8(ascii: "]"),
            UInt8(ascii: ")"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "<"), UInt8(ascii: ">"):
            true
        default:
            false
        }
    }

    /// After `word` (any case) as a whole word followed by blanks: where the credential starts.
    private func afterScheme(_ word: [UInt8], at index: Int, in input: UnsafeBufferPointer<UInt8>) -> Int? {
        guard index + word.count < input.count, index == 0 || !RedactBytes.isWord(input[index - 1]) else { return nil }
        for offset in 0..<word.count where RedactBytes.lowercased(input[index + offset]) != word[offset] { return nil }
        var start = index + word.count
        guard RedactBytes.isBlank(input[start]) else { return nil }
        while start < input.count, RedactBytes.isBlank(input[start]) { start += 1 }
        return start
    }
}
