import Glibc

/// Line and field splitting over the bytes of one /proc or cgroup file.
///
/// Every parser in this module is a pure function from bytes to a struct; this is the
/// lexing they share, so none of them builds a `String` per line or per field. Numbers are
/// parsed straight from the bytes (`ArraySlice<UInt8>.uint64` and friends below).
public enum ByteScanner {
    /// Calls `body` with the 1-based physical line number and the line (newline excluded)
    /// for every line, empty ones included, so errors point at the line an operator sees
    /// in `cat -n`. A final line without a newline is still delivered.
    public static func forEachLine<E: Error>(
        _ bytes: [UInt8],
        _ body: (_ number: Int, _ line: ArraySlice<UInt8>) throws(E) -> Void
    ) throws(E) {
        var start = 0
        var number = 1
        while start < bytes.count {
            let end = newline(in: bytes, from: start)
            try body(number, bytes[start..<end])
            number += 1
            start = end + 1
        }
    }

    /// The index of the next newline at or after `start`, or `bytes.count`. memchr rather
    /// than a loop over the array: a byte loop around the caller's closure kept copying the
    /// loop state through the stack for every byte, and was most of the cost of a parse.
    private static func newline(in bytes: [UInt8], from start: Int) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, let found = memchr(base + start, Int32(UInt8(ascii: "\n")), buffer.count - start) else {
                return buffer.count
            }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// Like `forEachLine`, with each line trimmed and blank lines skipped.
    static func forEachNumberedLine(
        _ bytes: [UInt8],
        _ body: (_ line: ArraySlice<UInt8>, _ number: Int) throws(ParseError) -> Void
    ) throws(ParseError) {
        try forEachLine(bytes) { number, line throws(ParseError) in
            let trimmed = line.trimmingBlanks()
            if !trimmed.isEmpty { try body(trimmed, number) }
        }
    }

    /// Rejects a file with no content. A zero-length read of a /proc file means the read
    /// failed or the kernel has no such data, never "all values are zero".
    static func requireContent(_ bytes: [UInt8], file: String) throws(ParseError) {
        guard bytes.contains(where: { !isSpace($0) }) else {
            throw ParseError(file: file, "empty file")
        }
    }

    /// Splits a line into whitespace-separated fields.
    public static func fields(_ line: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var cursor = FieldCursor(line)
        var result: [ArraySlice<UInt8>] = []
        while let field = cursor.next() { result.append(field) }
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
