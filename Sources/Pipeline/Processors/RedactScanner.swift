/// The `redact` processor's byte scanner: one left-to-right pass over a body or string value
/// that finds every enabled pattern and writes the masked copy.
///
/// Most bytes cost one table lookup: only bytes that can start (or, for `@`, `:` and `=`,
/// sit in the middle of) a pattern run a matcher. Matches do not overlap: the first one the
/// scan reaches wins (an address is reached at its `@`, a key's value at its `:` or `=`) and
/// scanning resumes after it; at one position user literals go first, then the patterns in
/// `RedactPattern` order. Nothing is allocated unless something matched.
struct RedactScanner: Sendable {
    /// Key names whose values `api_key` masks, lowercase. A key also counts when it ends in
    /// one of these after `_`, `-` or `.` (`db_password`, `x-api-key`, `github.token`).
    static let secretKeys = [
        "api_key", "apikey", "api-key", "x-api-key", "token", "secret", "password", "passwd", "access_token",
        "client_secret", "secret_key", "access_key", "private_key",
    ]

    /// A match: mask `start..<end`, count it under `slot`.
    typealias Match = (start: Int, end: Int, slot: Int)

    struct Trigger: OptionSet, Sendable {
        let rawValue: UInt8
        static let literal = Trigger(rawValue: 1 << 0)
        static let keyword = Trigger(rawValue: 1 << 1)  // b/B: bearer, basic
        static let delimiter = Trigger(rawValue: 1 << 2)  // : and =: api_key values, URL user info
        static let at = Trigger(rawValue: 1 << 3)  // @: email
        static let digit = Trigger(rawValue: 1 << 4)  // credit card, IPv4
        static let jwt = Trigger(rawValue: 1 << 5)  // e of eyJ
    }

    let bearer: Bool
    let basic: Bool
    let email: Bool
    let apiKey: Bool
    let creditCard: Bool
    let ipv4: Bool
    let jwt: Bool
    /// Longest first, so a literal that extends another wins at the same position.
    let literals: [[UInt8]]
    let replacement: [UInt8]
    let secretKeyBytes: [[UInt8]]
    private let triggers: [Trigger]

    init(patterns: Set<RedactPattern>, literals: [String], replacement: String) {
        bearer = patterns.contains(.bearerToken)
        basic = patterns.contains(.basicAuth)
        email = patterns.contains(.email)
        apiKey = patterns.contains(.apiKey)
        creditCard = patterns.contains(.creditCard)
        ipv4 = patterns.contains(.ipv4)
        jwt = patterns.contains(.jwt)
        self.literals = Set(literals.filter { !$0.isEmpty }).sorted { ($0.utf8.count, $0) > ($1.utf8.count, $1) }.map { Array($0.utf8) }
        self.replacement = Array(replacement.utf8)
        secretKeyBytes = Self.secretKeys.map { Array($0.utf8) }

        var table = [Trigger](repeating: [], count: 256)
        for literal in self.literals { table[Int(literal[0])].insert(.literal) }
        if bearer || basic {
            for byte in "bB".utf8 { table[Int(byte)].insert(.keyword) }
        }
        if apiKey || basic {
            for byte in ":=".utf8 { table[Int(byte)].insert(.delimiter) }
        }
        if email { table[Int(UInt8(ascii: "@"))].insert(.at) }
        if creditCard || ipv4 {
            for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(byte)].insert(.digit) }
        }
        if jwt { table[Int(UInt8(ascii: "e"))].insert(.jwt) }
        triggers = table
    }

    var isEmpty: Bool { triggers.allSatisfy { $0.isEmpty } }

    /// The masked copy of `input`, or nil when nothing matched (the caller keeps the
    /// original). `tally[slot]` counts matches by pattern.
    func redact(_ input: UnsafeBufferPointer<UInt8>, tally: inout [Int]) -> [UInt8]? {
        var output: [UInt8] = []
        var copied = 0
        var index = 0
        let count = input.count
        triggers.withUnsafeBufferPointer { table in
            while index < count {
                let trigger = table[Int(input[index])]
                guard !trigger.isEmpty, let match = self.match(at: index, trigger, in: input, floor: copied) else {
                    index += 1
                    continue
                }
                if output.isEmpty { output.reserveCapacity(count + replacement.count) }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: input[copied..<match.start]))
                output.append(contentsOf: replacement)
                copied = match.end
                index = max(match.end, index + 1)
                tally[match.slot] += 1
            }
        }
        // `copied` moves only on a match, and every match masks at least one byte.
        guard copied > 0 else { return nil }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: input[copied..<count]))
        return output
    }

    /// `floor` is where unmasked input starts: a match never reaches back before it.
    private func match(at index: Int, _ trigger: Trigger, in input: UnsafeBufferPointer<UInt8>, floor: Int) -> Match? {
        if trigger.contains(.literal), let end = literal(at: index, in: input) {
            return (index, end, RedactPattern.literalSlot)
        }
        if trigger.contains(.keyword) {
            if bearer, let token = bearerToken(at: index, in: input) {
                return (token.lowerBound, token.upperBound, RedactPattern.bearerToken.slot)
            }
            if basic, let credentials = basicCredentials(at: index, in: input) {
                return (credentials.lowerBound, credentials.upperBound, RedactPattern.basicAuth.slot)
            }
        }
        if trigger.contains(.delimiter) {
            if basic, let password = urlPassword(at: index, in: input) {
                return (password.lowerBound, password.upperBound, RedactPattern.basicAuth.slot)
            }
            if apiKey, let value = secretValue(at: index, in: input, floor: floor) {
                return (value.lowerBound, value.upperBound, RedactPattern.apiKey.slot)
            }
        }
        if trigger.contains(.at), let address = emailAddress(at: index, in: input, floor: floor) {
            return (address.lowerBound, address.upperBound, RedactPattern.email.slot)
        }
        if trigger.contains(.digit) {
            if creditCard, let end = cardNumber(at: index, in: input) {
                return (index, end, RedactPattern.creditCard.slot)
            }
            if ipv4, let end = ipv4Address(at: index, in: input) {
                return (index, end, RedactPattern.ipv4.slot)
            }
        }
        if trigger.contains(.jwt), let end = jsonWebToken(at: index, in: input) {
            return (index, end, RedactPattern.jwt.slot)
        }
        return nil
    }

    private func literal(at index: Int, in input: UnsafeBufferPointer<UInt8>) -> Int? {
        let first = input[index]
        for literal in literals where literal[0] == first && literal.count <= input.count - index {
            var offset = 1
            while offset < literal.count, input[index + offset] == literal[offset] { offset += 1 }
            if offset == literal.count { return index + offset }
        }
        return nil
    }

    /// Whether `input[key]` is a secret-named key: a secret key name, or one after a
    /// separator at its end, in any case. Compares in place: this runs at every `:` and `=`.
    func isSecretKey(_ input: UnsafeBufferPointer<UInt8>, _ key: Range<Int>) -> Bool {
        names: for name in secretKeyBytes where key.count >= name.count {
            let start = key.upperBound - name.count
            // From the end: most keys differ from every name in their last byte.
            for offset in (0..<name.count).reversed() where RedactBytes.lowercased(input[start + offset]) != name[offset] {
                continue names
            }
            if start == key.lowerBound { return true }
            let before = input[start - 1]
            if before == UInt8(ascii: "_") || before == UInt8(ascii: "-") || before == UInt8(ascii: ".") { return true }
        }
        return false
    }

    /// `isSecretKey` for an attribute key.
    func isSecretKey(_ key: String) -> Bool {
        var key = key
        return key.withUTF8 { isSecretKey($0, 0..<$0.count) }
    }
}
