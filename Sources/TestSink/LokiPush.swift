/// A Loki push request (`POST /loki/api/v1/push`, JSON), checked against the push API's
/// schema as Loki's distributor reads it:
///
/// `{"streams":[{"stream":{"<label>":"<value>",…},"values":[["<unix ns>","<line>",{"<key>":"<value>",…}?],…]},…]}`
///
/// - `streams` an array (the only top-level member); each stream an object with exactly
///   `stream` and `values`;
/// - `stream` at least one label; names `[a-zA-Z_][a-zA-Z0-9_]*` and unique; values strings;
/// - each value an array of a timestamp string of 1–19 digits (nanoseconds), the line (a
///   string), and optionally structured metadata: an object of unique string names to
///   string values.
struct LokiPush {
    static let path = "/loki/api/v1/push"

    struct Entry {
        var nanoseconds: UInt64
        var line: String
        var metadata: [(key: String, value: String)]
    }

    struct Stream {
        var labels: [(name: String, value: String)]
        var entries: [Entry]

        /// `{a="1",b="2"}` with names sorted: how Loki prints a stream selector.
        var selector: String {
            let pairs = labels.sorted { $0.name < $1.name }.map { pair in
                var value = ""
                for character in pair.value {
                    switch character {
                    case "\\": value += "\\\\"
                    case "\"": value += "\\\""
                    case "\n": value += "\\n"
                    default: value.append(character)
                    }
                }
                return "\(pair.name)=\"\(value)\""
            }
            return "{" + pairs.joined(separator: ",") + "}"
        }
    }

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    var streams: [Stream]

    var entryCount: Int { streams.reduce(0) { $0 + $1.entries.count } }

    init(_ body: [UInt8]) throws(Invalid) {
        let tree: JSONTree
        do {
            tree = try JSONTree.parse(body)
        } catch {
            throw Invalid(description: "not valid JSON: \(error)")
        }
        guard case .object(let members) = tree else { throw Invalid(description: "the body is \(tree.kind), not an object") }
        guard let list = try Self.members(members, required: ["streams"], optional: [], at: "the body")["streams"] else {
            throw Invalid(description: "no streams")
        }
        guard case .array(let items) = list else { throw Invalid(description: "streams is \(list.kind), not an array") }
        streams = []
        streams.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            streams.append(try Self.stream(item, at: "streams[\(index)]"))
        }
    }

    private static func stream(_ item: JSONTree, at path: String) throws(Invalid) -> Stream {
        guard case .object(let members) = item else { throw Invalid(description: "\(path) is \(item.kind), not an object") }
        let fields = try Self.members(members, required: ["stream", "values"], optional: [], at: path)
        let labels = try Self.stringMap(fields["stream"]!, at: "\(path).stream", labelNames: true)
        guard !labels.isEmpty else { throw Invalid(description: "\(path).stream has no labels") }
        guard case .array(let values) = fields["values"]! else {
            throw Invalid(description: "\(path).values is \(fields["values"]!.kind), not an array")
        }
        var entries: [Entry] = []
        entries.reserveCapacity(values.count)
        for (index, value) in values.enumerated() {
            entries.append(try Self.entry(value, at: "\(path).values[\(index)]"))
        }
        return Stream(labels: labels, entries: entries)
    }

    private static func entry(_ value: JSONTree, at path: String) throws(Invalid) -> Entry {
        guard case .array(let parts) = value, parts.count == 2 || parts.count == 3 else {
            throw Invalid(description: "\(path) must be [\"<unix ns>\", \"<line>\"] or with a third element of structured metadata")
        }
        guard case .string(let time) = parts[0] else { throw Invalid(description: "\(path)[0] is \(parts[0].kind), not a string of nanoseconds") }
        guard !time.isEmpty, time.utf8.count <= 19, time.utf8.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }), let nanoseconds = UInt64(time),
              nanoseconds <= UInt64(Int64.max)
        else { throw Invalid(description: "\(path)[0] \"\(time.prefix(40))\" is not a Unix time in nanoseconds (digits only)") }
        guard case .string(let line) = parts[1] else { throw Invalid(description: "\(path)[1] is \(parts[1].kind), not a string") }
        let metadata = parts.count == 3 ? try Self.stringMap(parts[2], at: "\(path)[2]", labelNames: false) : []
        return Entry(nanoseconds: nanoseconds, line: line, metadata: metadata)
    }

    /// An object of string values with unique names (label names when `labelNames`).
    private static func stringMap(_ value: JSONTree, at path: String, labelNames: Bool) throws(Invalid) -> [(String, String)] {
        guard case .object(let members) = value else { throw Invalid(description: "\(path) is \(value.kind), not an object") }
        var pairs: [(String, String)] = []
        var seen: Set<String> = []
        for member in members {
            guard seen.insert(member.key).inserted else { throw Invalid(description: "\(path) has \"\(member.key)\" twice") }
            if member.key.isEmpty { throw Invalid(description: "\(path) has an empty name") }
            if labelNames, !isLabelName(member.key) { throw Invalid(description: "\(path): \"\(member.key)\" is not a valid label name") }
            guard case .string(let text) = member.value else {
                throw Invalid(description: "\(path).\(member.key) is \(member.value.kind), not a string")
            }
            pairs.append((member.key, text))
        }
        return pairs
    }

    /// The named members of an object, refusing missing, unknown and repeated ones.
    private static func members(
        _ members: [(key: String, value: JSONTree)], required: Set<String>, optional: Set<String>, at path: String
    ) throws(Invalid) -> [String: JSONTree] {
        var found: [String: JSONTree] = [:]
        for member in members {
            guard required.contains(member.key) || optional.contains(member.key) else {
                throw Invalid(description: "\(path) has an unknown member \"\(member.key)\"")
            }
            guard found.updateValue(member.value, forKey: member.key) == nil else {
                throw Invalid(description: "\(path) has \"\(member.key)\" twice")
            }
        }
        if let missing = required.subtracting(found.keys).sorted().first { throw Invalid(description: "\(path) has no \"\(missing)\"") }
        return found
    }

    static func isLabelName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first &- UInt8(ascii: "0") >= 10 else { return false }
        return name.utf8.allSatisfy { ($0 | 0x20) &- UInt8(ascii: "a") < 26 || $0 &- UInt8(ascii: "0") < 10 || $0 == UInt8(ascii: "_") }
    }
}
