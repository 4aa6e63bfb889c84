/// Lexing shared by the /proc parsers in this folder, on top of `ByteScanner`.
///
/// `ByteScanner.forEachLine` skips empty lines and so loses the physical line number; errors
/// here must point at the line an operator sees in `cat -n`, so these helpers count every line.
enum ProcLines {
    /// Calls `body` with the 1-based physical line number and the line (newline excluded) for
    /// every line, empty ones included. A final line without a newline is still delivered.
    static func forEach<E: Error>(
        _ bytes: [UInt8],
        _ body: (_ number: Int, _ line: ArraySlice<UInt8>) throws(E) -> Void
    ) throws(E) {
        var start = 0
        var number = 1
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                try body(number, bytes[start..<index])
                number += 1
                start = index + 1
            }
            index += 1
        }
        if start < bytes.count { try body(number, bytes[start..<bytes.count]) }
    }

    /// Rejects a file with no content. A zero-length read of a /proc file means the read
    /// failed or the kernel has no such data, never "all values are zero".
    static func requireContent(_ bytes: [UInt8], file: String) throws(ParseError) {
        guard bytes.contains(where: { !ByteScanner.isSpace($0) }) else {
            throw ParseError(file: file, "empty file")
        }
    }

    static func isBlank(_ line: ArraySlice<UInt8>) -> Bool {
        line.allSatisfy(ByteScanner.isSpace)
    }

    /// Parses an unsigned decimal, telling "too big for 64 bits" apart from "not a number"
    /// so the error says which it was.
    static func uint64(
        _ field: ArraySlice<UInt8>, file: String, line: Int, _ what: String
    ) throws(ParseError) -> UInt64 {
        if let value = field.uint64 { return value }
        throw numberError(field, file: file, line: line, what)
    }

    static func numberError(
        _ field: ArraySlice<UInt8>, file: String, line: Int, _ what: String
    ) -> ParseError {
        let digitsOnly = !field.isEmpty && field.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        if digitsOnly {
            return ParseError(file: file, line: line, "\(what): \(field.string) is out of range for a 64-bit counter")
        }
        return ParseError(file: file, line: line, "\(what): expected an unsigned integer, found \"\(printable(field))\"")
    }

    /// Parses a plain decimal such as `0.52` or `14` (what loadavg and PSI print). The bytes are
    /// checked first so that `inf`, `nan` or hex floats, which `Double(_:)` would accept, are refused.
    static func decimal(
        _ field: ArraySlice<UInt8>, file: String, line: Int, _ what: String
    ) throws(ParseError) -> Double {
        var digits = 0
        var dots = 0
        for byte in field {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                digits += 1
            } else if byte == UInt8(ascii: ".") {
                dots += 1
            } else {
                digits = 0
                break
            }
        }
        guard digits > 0, dots <= 1, field.first != UInt8(ascii: "."), field.last != UInt8(ascii: "."),
              let value = field.double else {
            throw ParseError(file: file, line: line, "\(what): expected a decimal number, found \"\(printable(field))\"")
        }
        return value
    }

    /// At most 40 bytes of a field, for error messages; control bytes shown as `?`.
    static func printable(_ field: ArraySlice<UInt8>) -> String {
        let shown = field.prefix(40).map { $0 >= 0x20 && $0 < 0x7F ? $0 : UInt8(ascii: "?") }
        return String(decoding: shown, as: UTF8.self) + (field.count > 40 ? "…" : "")
    }
}

/// Iterates the whitespace-separated fields of one line without allocating an array, which
/// matters for lines such as `intr` in /proc/stat that carry hundreds of numbers.
struct FieldCursor {
    private let line: ArraySlice<UInt8>
    private var index: Int

    init(_ line: ArraySlice<UInt8>) {
        self.line = line
        self.index = line.startIndex
    }

    mutating func next() -> ArraySlice<UInt8>? {
        while index < line.endIndex, ByteScanner.isSpace(line[index]) { index += 1 }
        let start = index
        while index < line.endIndex, !ByteScanner.isSpace(line[index]) { index += 1 }
        return index > start ? line[start..<index] : nil
    }

    /// The remaining fields, counted without consuming them.
    func remainingCount() -> Int {
        var copy = self
        var count = 0
        while copy.next() != nil { count += 1 }
        return count
    }
}
