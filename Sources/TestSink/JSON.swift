/// Just enough JSON for the control endpoints and the stats line, without Foundation.
struct JSONWriter {
    private(set) var text = ""

    struct Object {
        fileprivate var text: String
        private var first = true

        fileprivate init(text: String) {
            self.text = text
        }

        private mutating func key(_ name: String) {
            if !first { text += "," }
            first = false
            JSONWriter.appendString(name, to: &text)
            text += ":"
        }

        mutating func field(_ name: String, _ value: Int) {
            key(name)
            text += String(value)
        }

        mutating func field(_ name: String, _ value: UInt64?) {
            key(name)
            text += value.map(String.init) ?? "null"
        }

        mutating func field(_ name: String, _ value: Double) {
            key(name)
            text += value.isFinite ? (value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)) : "null"
        }

        mutating func field(_ name: String, _ value: Bool) {
            key(name)
            text += value ? "true" : "false"
        }

        mutating func field(_ name: String, _ value: String) {
            key(name)
            JSONWriter.appendString(value, to: &text)
        }

        mutating func object(_ name: String, _ build: (inout Object) -> Void) {
            key(name)
            var inner = Object(text: text + "{")
            text = ""
            build(&inner)
            text = inner.text + "}"
        }
    }

    mutating func object(_ build: (inout Object) -> Void) {
        var object = Object(text: text + "{")
        build(&object)
        text = object.text + "}"
    }

    static func appendString(_ value: String, to text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}

/// Parses a flat JSON object (`{"fail":503,"retryAfter":2}`) into name/value pairs, values
/// as their text (strings unescaped, numbers and literals verbatim). Nested values: error.
enum FlatJSON {
    struct Failure: Error {}

    static func parse(_ bytes: [UInt8]) throws(Failure) -> [(String, String)] {
        var index = 0
        func skipSpace() {
            while index < bytes.count, LineFields.isSpace(bytes[index]) { index += 1 }
        }
        func expect(_ byte: UInt8) throws(Failure) {
            skipSpace()
            guard index < bytes.count, bytes[index] == byte else { throw Failure() }
            index += 1
        }
        func string() throws(Failure) -> String {
            try expect(UInt8(ascii: "\""))
            var out: [UInt8] = []
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count {
                    index += 1
                    switch bytes[index] {
                    case UInt8(ascii: "n"): out.append(10)
                    case UInt8(ascii: "t"): out.append(9)
                    case UInt8(ascii: "r"): out.append(13)
                    default: out.append(bytes[index])
                    }
                } else {
                    out.append(bytes[index])
                }
                index += 1
            }
            guard index < bytes.count else { throw Failure() }
            index += 1
            return String(decoding: out, as: UTF8.self)
        }
        var pairs: [(String, String)] = []
        try expect(UInt8(ascii: "{"))
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                let name = try string()
                try expect(UInt8(ascii: ":"))
                skipSpace()
                guard index < bytes.count else { throw Failure() }
                if bytes[index] == UInt8(ascii: "\"") {
                    pairs.append((name, try string()))
                } else {
                    let start = index
                    while index < bytes.count, !LineFields.isSeparator(bytes[index]) { index += 1 }
                    let token = String(decoding: bytes[start..<index], as: UTF8.self)
                    guard !token.isEmpty, !token.hasPrefix("{"), !token.hasPrefix("[") else { throw Failure() }
                    pairs.append((name, token))
                }
                skipSpace()
                guard index < bytes.count else { throw Failure() }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                try expect(UInt8(ascii: "}"))
                break
            }
        }
        skipSpace()
        guard index == bytes.count else { throw Failure() }
        return pairs
    }
}

/// `a=1&b=two` → pairs, percent-decoding `%XX` and `+`.
enum QueryString {
    static func parse(_ query: Substring) -> [(String, String)] {
        query.split(separator: "&").map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    static func decode(_ text: Substring) -> String {
        var out: [UInt8] = []
        var bytes = text.utf8[...]
        while let byte = bytes.popFirst() {
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), bytes.count >= 2,
                      let value = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) {
                out.append(value)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
