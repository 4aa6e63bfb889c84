/// W3C Trace Context Level 1 `tracestate` (§3.3): vendor `key=value` members, newest first.
public struct TraceState: Sendable, Hashable {
    public static let maxMembers = 32
    public static let maxLength = 512
    /// Members longer than this go first when truncating (§3.3.1.5).
    static let largeMember = 128

    public struct InvalidMember: Error, Sendable, Hashable {
        public var key: String
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    public private(set) var members: [(key: String, value: String)]

    public init() {
        members = []
    }

    /// nil when any member is malformed, a key repeats, or there are more than 32 members:
    /// the whole header is then discarded, as the W3C test suite expects
    /// (test_tracestate_duplicated_keys, ..._member_count_limit, ..._key_illegal_characters).
    /// Empty members (`a=1,,b=2`) and blanks around commas are allowed (§3.3.1.1).
    public init?(parsing header: String) {
        var parsed: [(key: String, value: String)] = []
        for raw in header.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            var member = raw[...]
            while let first = member.first, first == 0x20 || first == 0x09 { member = member.dropFirst() }
            while let last = member.last, last == 0x20 || last == 0x09 { member = member.dropLast() }
            if member.isEmpty { continue }
            guard let equals = member.firstIndex(of: UInt8(ascii: "=")) else { return nil }
            let key = String(decoding: member[..<equals], as: UTF8.self)
            let value = String(decoding: member[member.index(after: equals)...], as: UTF8.self)
            guard Self.isValidKey(key), Self.isValidValue(value), !parsed.contains(where: { $0.key == key }),
                  parsed.count < Self.maxMembers
            else { return nil }
            parsed.append((key, value))
        }
        members = parsed
    }

    public subscript(key: String) -> String? {
        members.first { $0.key == key }?.value
    }

    /// Adds or replaces `key` and moves it to the front (§3.3.1.3: a vendor's updated entry
    /// leads); the oldest member falls off when that makes 33.
    public mutating func set(_ key: String, _ value: String) throws(InvalidMember) {
        guard Self.isValidKey(key), Self.isValidValue(value) else { throw InvalidMember(key: key, value: value) }
        members.removeAll { $0.key == key }
        members.insert((key, value), at: 0)
        if members.count > Self.maxMembers { members.removeLast() }
    }

    public mutating func remove(_ key: String) {
        members.removeAll { $0.key == key }
    }

    /// Comma-joined, no blanks, cut to 512 characters: first members over 128 characters are
    /// dropped from the end, then any member from the end (§3.3.1.5).
    public func formatted() -> String {
        var kept = members.map { $0.key + "=" + $0.value }
        func length() -> Int { kept.reduce(0) { $0 + $1.utf8.count } + max(kept.count - 1, 0) }
        while length() > Self.maxLength, let large = kept.lastIndex(where: { $0.utf8.count > Self.largeMember }) {
            kept.remove(at: large)
        }
        while length() > Self.maxLength { kept.removeLast() }
        return kept.joined(separator: ",")
    }

    public static func == (lhs: TraceState, rhs: TraceState) -> Bool {
        lhs.members.elementsEqual(rhs.members) { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for member in members {
            hasher.combine(member.key)
            hasher.combine(member.value)
        }
    }

    /// `simple-key` = lcalpha 0*255(keychar), or `tenant@system` with tenant =
    /// (lcalpha / DIGIT) 0*240(keychar) and system = lcalpha 0*13(keychar).
    static func isValidKey(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        if let at = bytes.firstIndex(of: UInt8(ascii: "@")) {
            let tenant = bytes[..<at], system = bytes[(at + 1)...]
            guard let t = tenant.first, let s = system.first, tenant.count <= 241, system.count <= 14,
                  isLowerAlpha(t) || isDigit(t), isLowerAlpha(s),
                  tenant.allSatisfy(isKeyChar), system.allSatisfy(isKeyChar)
            else { return false }
            return true
        }
        guard let first = bytes.first, isLowerAlpha(first), bytes.count <= 256 else { return false }
        return bytes.allSatisfy(isKeyChar)
    }

    /// 1–256 printable ASCII characters other than `,` and `=`, not ending in a space.
    static func isValidValue(_ value: String) -> Bool {
        let bytes = value.utf8
        guard let last = bytes.last, last != 0x20, bytes.count <= 256 else { return false }
        return bytes.allSatisfy { (0x20...0x7e).contains($0) && $0 != UInt8(ascii: ",") && $0 != UInt8(ascii: "=") }
    }

    private static func isLowerAlpha(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) }
    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
    private static func isKeyChar(_ byte: UInt8) -> Bool {
        isLowerAlpha(byte) || isDigit(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "/")
    }
}
