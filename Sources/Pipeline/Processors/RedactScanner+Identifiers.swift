/// Matchers for personal data and tokens with a recognisable shape: e-mail addresses, card
/// numbers, IPv4 addresses, JWTs. Each takes the trigger position and returns the end (or
/// range) of what to mask.
extension RedactScanner {
    /// At `@`: the whole address, reaching back over the local part (not before `floor`,
    /// which is already masked output).
    func emailAddress(at index: Int, in input: UnsafeBufferPointer<UInt8>, floor: Int) -> Range<Int>? {
        var start = index
        while start > floor, RedactBytes.isEmailLocal(input[start - 1]) { start -= 1 }
        while start < index, input[start] == UInt8(ascii: ".") { start += 1 }
        guard start < index else { return nil }

        var end = index + 1
        var cursor = index + 1
        var labels = 0
        var topLevelIsWord = false
        while cursor < input.count {
            let labelStart = cursor
            var lettersOnly = true
            while cursor < input.count, RedactBytes.isAlphanumeric(input[cursor]) || input[cursor] == UInt8(ascii: "-") {
                lettersOnly = lettersOnly && RedactBytes.isLetter(input[cursor])
                cursor += 1
            }
            guard cursor > labelStart, input[labelStart] != UInt8(ascii: "-"), input[cursor - 1] != UInt8(ascii: "-") else { break }
            labels += 1
            end = cursor
            topLevelIsWord = lettersOnly && cursor - labelStart >= 2
            // A dot continues the domain only when a label follows: `mail me at a@b.com.`
            guard cursor + 1 < input.count, input[cursor] == UInt8(ascii: "."), RedactBytes.isAlphanumeric(input[cursor + 1])
            else { break }
            cursor += 1
        }
        guard labels >= 2, topLevelIsWord else { return nil }
        return start..<end
    }

    /// At the first digit: the end of a card number. Grouped numbers are tried at each
    /// group end, longest first, so a card followed by more digits (`… 1111 2024`) is still
    /// found; groups must look like card groups (3–6 digits) so a date before a card
    /// (`2024-01-15 4111 …`) never joins it.
    func cardNumber(at index: Int, in input: UnsafeBufferPointer<UInt8>) -> Int? {
        guard (UInt8(ascii: "2")...UInt8(ascii: "6")).contains(input[index]), startsNumber(at: index, in: input) else { return nil }
        var cursor = index
        var digits = 0
        var groups = 0
        var allGroupsShaped = true
        var separator: UInt8?
        var longest: Int?
        while true {
            let groupStart = cursor
            while cursor < input.count, RedactBytes.isDigit(input[cursor]) { cursor += 1 }
            let length = cursor - groupStart
            digits += length
            groups += 1
            guard digits <= 19 else { break }
            allGroupsShaped = allGroupsShaped && (3...6).contains(length)
            if digits >= 13, groups == 1 || allGroupsShaped, endsNumber(at: cursor, in: input),
                Self.passesLuhn(input, index..<cursor)
            {
                longest = cursor
            }
            guard allGroupsShaped, cursor + 1 < input.count, RedactBytes.isDigit(input[cursor + 1]) else { break }
            let next = input[cursor]
            guard next == UInt8(ascii: " ") || next == UInt8(ascii: "-"), separator == nil || separator == next else { break }
            separator = next
            cursor += 1
        }
        return longest
    }

    /// At the first digit: the end of a dotted quad.
    func ipv4Address(at index: Int, in input: UnsafeBufferPointer<UInt8>) -> Int? {
        guard startsNumber(at: index, in: input) else { return nil }
        var cursor = index
        for part in 0..<4 {
            if part > 0 {
                guard cursor < input.count, input[cursor] == UInt8(ascii: ".") else { return nil }
                cursor += 1
            }
            let start = cursor
            var value = 0
            while cursor < input.count, cursor - start < 3, RedactBytes.isDigit(input[cursor]) {
                value = value * 10 + Int(input[cursor] - UInt8(ascii: "0"))
                cursor += 1
            }
            guard cursor > start, value <= 255, cursor == input.count || !RedactBytes.isDigit(input[cursor]) else { return nil }
        }
        return endsNumber(at: cursor, in: input) ? cursor : nil
    }

    /// At `e` of `eyJ`: the end of header.payload.signature. The signature may be empty
    /// (an unsecured `alg: none` token keeps its final dot).
    func jsonWebToken(at index: Int, in input: UnsafeBufferPointer<UInt8>) -> Int? {
        guard index + 3 < input.count, input[index + 1] == UInt8(ascii: "y"), input[index + 2] == UInt8(ascii: "J"),
            index == 0 || !RedactBytes.isBase64URL(input[index - 1])
        else { return nil }
        // The shortest real header, `{"a":1}`, is 10 characters; shorter is a word like `eyJx.y`.
        let headerEnd = Self.base64URLRun(from: index, in: input)
        guard headerEnd - index >= 10, headerEnd < input.count, input[headerEnd] == UInt8(ascii: ".") else { return nil }
        let payloadEnd = Self.base64URLRun(from: headerEnd + 1, in: input)
        guard payloadEnd - headerEnd > 2, payloadEnd < input.count, input[payloadEnd] == UInt8(ascii: ".") else { return nil }
        return Self.base64URLRun(from: payloadEnd + 1, in: input)
    }

    private static func base64URLRun(from start: Int, in input: UnsafeBufferPointer<UInt8>) -> Int {
        var end = start
        while end < input.count, RedactBytes.isBase64URL(input[end]) { end += 1 }
        return end
    }

    /// Not inside a word or a longer dotted number.
    private func startsNumber(at index: Int, in input: UnsafeBufferPointer<UInt8>) -> Bool {
        guard index > 0 else { return true }
        let before = input[index - 1]
        return !RedactBytes.isWord(before) && before != UInt8(ascii: ".")
    }

    /// Followed by neither a word character nor `.digit` (a decimal or a longer dotted number).
    private func endsNumber(at index: Int, in input: UnsafeBufferPointer<UInt8>) -> Bool {
        guard index < input.count else { return true }
        let next = input[index]
        if RedactBytes.isWord(next) { return false }
        return !(next == UInt8(ascii: ".") && index + 1 < input.count && RedactBytes.isDigit(input[index + 1]))
    }

    private static func passesLuhn(_ input: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var sum = 0
        var doubled = false
        for position in range.reversed() where RedactBytes.isDigit(input[position]) {
            var digit = Int(input[position] - UInt8(ascii: "0"))
            if doubled {
                digit *= 2
                if digit > 9 { digit -= 9 }
            }
            sum += digit
            doubled.toggle()
        }
        return sum % 10 == 0
    }
}
