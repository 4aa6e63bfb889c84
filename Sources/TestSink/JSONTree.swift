/// A strict JSON (RFC 8259) parser into a tree, for the routes that check a body against a
/// schema (Loki push). Strict where encoders go wrong: invalid UTF-8, raw control
/// characters in strings, lone surrogates, bad escapes, malformed numbers, trailing bytes,
/// and nesting deeper than `maxDepth` are all refused, with the byte offset.
indirect enum JSONTree: Equatable {
    case object([(key: String, value: JSONTree)])
    case array([JSONTree])
    case string(String)
    /// The number's text as written (validated, not converted).
    case number(String)
    case bool(Bool)
    case null

    struct Failure: Error, CustomStringConvertible {
        var offset: Int
        var reason: String

        var description: String { "\(reason) at byte \(offset)" }
    }

    static let maxDepth = 64

    static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONTree {
        var parser = Parser(bytes: bytes)
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.index == bytes.count else { throw Failure(offset: parser.index, reason: "unexpected bytes after the document") }
        return value
    }

    static func == (lhs: JSONTree, rhs: JSONTree) -> Bool {
        switch (lhs, rhs) {
        case (.object(let a), .object(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.array(let a), .array(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.null, .null): true
        default: false
        }
    }

    var kind: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count, LineFields.isSpace(bytes[index]) { index += 1 }
        }

        func fail(_ reason: String) -> Failure { Failure(offset: index, reason: reason) }

        mutating func value(depth: Int) throws(Failure) -> JSONTree {
            guard depth < JSONTree.maxDepth else { throw fail("nested deeper than \(JSONTree.maxDepth)") }
            guard index < bytes.count else { throw fail("unexpected end") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw fail("unexpected character")
            }
        }

        mutating func literal(_ word: StaticString) throws(Failure) {
            let count = word.utf8CodeUnitCount
            let matches = word.withUTF8Buffer { expected in
                index + count <= bytes.count && bytes[index..<(index + count)].elementsEqual(expected)
            }
            guard matches else { throw fail("invalid literal") }
            index += count
        }

        mutating func object(depth: Int) throws(Failure) -> JSONTree {
            var members: [(key: String, value: JSONTree)] = []
            try items(closedBy: UInt8(ascii: "}"), in: "object") { parser throws(Failure) in
                members.append(try parser.member(depth: depth))
            }
            return .object(members)
        }

        mutating func member(depth: Int) throws(Failure) -> (key: String, value: JSONTree) {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
            let key = try string()
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            index += 1
            skipSpace()
            return (key, try value(depth: depth + 1))
        }

        mutating func array(depth: Int) throws(Failure) -> JSONTree {
            var elements: [JSONTree] = []
            try items(closedBy: UInt8(ascii: "]"), in: "array") { parser throws(Failure) in
                elements.append(try parser.value(depth: depth + 1))
            }
            return .array(elements)
        }

        /// An object's members and an array's elements are read the same way: from the
        /// opening byte, `item` for each (at its first non-space byte), separated by commas,
        /// through the closing byte; empty when it follows the opening at once.
        mutating func items(
            closedBy close: UInt8, in container: String, _ item: (inout Parser) throws(Failure) -> Void
        ) throws(Failure) {
            index += 1
            skipSpace()
            if index < bytes.count, bytes[index] == close {
                index += 1
                return
            }
            while true {
                skipSpace()
                try item(&self)
                skipSpace()
                guard index < bytes.count else { throw fail("unterminated \(container)") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard bytes[index] == close else { throw fail("expected ',' or '\(Character(Unicode.Scalar(close)))'") }
                index += 1
                return
            }
        }

        mutating func string() throws(Failure) -> String {
            let start = index
            index += 1
            var out: [UInt8] = []
            while true {
                guard index < bytes.count else { throw Failure(offset: start, reason: "unterminated string") }
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    break
                }
                if byte < 0x20 { throw fail("raw control character 0x\(String(byte, radix: 16)) in a string") }
                if byte != UInt8(ascii: "\\") {
                    out.append(byte)
                    index += 1
                    continue
                }
                index += 1
                guard index < bytes.count else { throw fail("unterminated escape") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"): try unicodeEscape(into: &out)
                default: throw fail("invalid escape \\\(Character(Unicode.Scalar(escape)))")
                }
            }
            guard let text = String(validating: out, as: UTF8.self) else { throw Failure(offset: start, reason: "string is not valid UTF-8") }
            return text
        }

        mutating func hex4() throws(Failure) -> UInt32 {
            guard index + 4 <= bytes.count else { throw fail("short \\u escape") }
            var value: UInt32 = 0
            for byte in bytes[index..<(index + 4)] {
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw fail("invalid \\u escape")
                }
                value = value << 4 | UInt32(digit)
            }
            index += 4
            return value
        }

        mutating func unicodeEscape(into out: inout [UInt8]) throws(Failure) {
            var scalar = try hex4()
            if (0xD800..<0xDC00).contains(scalar) {
                guard index + 2 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw fail("lone high surrogate")
                }
                index += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw fail("high surrogate without a low one") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw fail("lone low surrogate")
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw fail("invalid code point") }
            out.append(contentsOf: Array(String(unicode).utf8))
        }

        mutating func number() throws(Failure) -> String {
            let start = index
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw fail("invalid number") }
            if bytes[start] == UInt8(ascii: "0") || (bytes[start] == UInt8(ascii: "-") && bytes[start + 1] == UInt8(ascii: "0")) {
                let zero = bytes[start] == UInt8(ascii: "-") ? start + 1 : start
                guard index == zero + 1 else { throw Failure(offset: start, reason: "leading zero in a number") }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else { throw fail("no digits after the decimal point") }
            }
            if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { throw fail("no digits in the exponent") }
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func digits() -> Int {
            let start = index
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
            return index - start
        }
    }
}
