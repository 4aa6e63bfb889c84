/// A forward-only reader over the bytes of one /proc or cgroup file.
///
/// Every parser in this module is a pure function from bytes to a struct; this is the one
/// piece of lexing they share, so none of them builds a `String` per line or per field.
/// Numbers are parsed straight from the bytes.
public struct ByteScanner {
    public let bytes: [UInt8]
    public private(set) var position: Int

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.position = 0
    }

    public var isAtEnd: Bool { position >= bytes.count }

    /// Skips spaces and tabs (not newlines).
    public mutating func skipBlanks() {
        while position < bytes.count, bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: "\t") {
            position += 1
        }
    }

    /// The next whitespace-separated field on the current line, or nil at the end of the line.
    public mutating func field() -> ArraySlice<UInt8>? {
        skipBlanks()
        let start = position
        while position < bytes.count, !Self.isSpace(bytes[position]) { position += 1 }
        return position > start ? bytes[start..<position] : nil
    }

    /// The rest of the current line (without its newline), and moves past the newline.
    public mutating func restOfLine() -> ArraySlice<UInt8> {
        let start = position
        while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
        let line = bytes[start..<position]
        if position < bytes.count { position += 1 }
        return line
    }

    /// Moves past the next newline.
    public mutating func nextLine() {
        _ = restOfLine()
    }

    /// Calls `body` with each line of the input (newline excluded), skipping empty ones.
    public static func forEachLine(_ bytes: [UInt8], _ body: (ArraySlice<UInt8>) throws -> Void) rethrows {
        var start = 0
        for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
            if index > start { try body(bytes[start..<index]) }
            start = index + 1
        }
        if start < bytes.count { try body(bytes[start..<bytes.count]) }
    }

    /// Splits a line into whitespace-separated fields.
    public static func fields(_ line: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var index = line.startIndex
        while index < line.endIndex {
            while index < line.endIndex, isSpace(line[index]) { index += 1 }
            let start = index
            while index < line.endIndex, !isSpace(line[index]) { index += 1 }
            if index > start { result.append(line[start..<index]) }
        }
        return result
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }
}

extension ArraySlice<UInt8> {
    /// Parses an unsigned decimal; nil if empty, non-digit or beyond 2^64-1.
    public var uint64: UInt64? {
        guard !isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in self {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            if overflow1 || overflow2 { return nil }
            value = sum
        }
        return value
    }

    /// Parses a signed decimal (`-1` appears in some /proc files).
    public var int64: Int64? {
        guard let first = first else { return nil }
        if first == UInt8(ascii: "-") {
            guard let magnitude = self.dropFirst().uint64, magnitude <= UInt64(Int64.max) else { return nil }
            return -Int64(magnitude)
        }
        guard let magnitude = uint64, magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// Parses a decimal number with an optional fraction (`0.52`, `12.00`).
    public var double: Double? {
        guard !isEmpty else { return nil }
        return Double(String(decoding: self, as: UTF8.self))
    }

    /// The bytes as a String, for the few values that are names (devices, keys).
    public var string: String { String(decoding: self, as: UTF8.self) }

    public func equals(_ literal: StaticString) -> Bool {
        guard count == literal.utf8CodeUnitCount else { return false }
        return literal.withUTF8Buffer { buffer in
            zip(self, buffer).allSatisfy { $0 == $1 }
        }
    }

    public func hasPrefix(_ literal: StaticString) -> Bool {
        guard count >= literal.utf8CodeUnitCount else { return false }
        return literal.withUTF8Buffer { buffer in
            zip(self.prefix(buffer.count), buffer).allSatisfy { $0 == $1 }
        }
    }
}
