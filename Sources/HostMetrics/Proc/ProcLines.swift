/// Number parsing with precise errors, shared by the /proc parsers in this folder (line
/// and field splitting are `ByteScanner`'s).
enum ProcLines {
    static func isBlank(_ line: ArraySlice<UInt8>) -> Bool {
        line.allSatisfy(ByteScanner.isSpace)
    }

    /// Parses an unsigned decimal, telling "too big for 64 bits" apart from "not a number"
    /// so the error says which it was. `what` is an autoclosure because callers interpolate
    /// it (`"cpu column \(n)"`) for every number of every scrape, and it is read only on error.
    static func uint64(
        _ field: ArraySlice<UInt8>, file: String, line: Int, _ what: @autoclosure () -> String
    ) throws(ParseError) -> UInt64 {
        if let value = field.uint64 { return value }
        throw numberError(field, file: file, line: line, what())
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
        _ field: ArraySlice<UInt8>, file: String, line: Int, _ what: @autoclosure () -> String
    ) throws(ParseError) -> Double {
        var digits = 0
        var dots = 0
        var fractionDigits = 0
        var mantissa: UInt64 = 0
        for byte in field {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                digits += 1
                if dots > 0 { fractionDigits += 1 }
                if digits <= 15 { mantissa = mantissa &* 10 &+ UInt64(byte - UInt8(ascii: "0")) }
            } else if byte == UInt8(ascii: ".") {
                dots += 1
            } else {
                digits = 0
                break
            }
        }
        guard digits > 0, dots <= 1, field.first != UInt8(ascii: "."), field.last != UInt8(ascii: ".") else {
            throw ParseError(file: file, line: line, "\(what()): expected a decimal number, found \"\(printable(field))\"")
        }
        // Up to 15 digits the digits and the power of ten are exact doubles, so one division
        // rounds once, to the double nearest the decimal: what strtod returns, without
        // building a String for it on every scrape.
        if digits <= 15 {
            return Double(mantissa) / powersOfTen[fractionDigits]
        }
        guard let value = field.double else {
            throw ParseError(file: file, line: line, "\(what()): expected a decimal number, found \"\(printable(field))\"")
        }
        return value
    }

    private static let powersOfTen: [Double] = (0...15).map { exponent in (0..<exponent).reduce(1.0) { product, _ in product * 10 } }

    /// At most 40 bytes of a field, for error messages; control bytes shown as `?`.
    static func printable(_ field: ArraySlice<UInt8>) -> String {
        let shown = field.prefix(40).map { $0 >= 0x20 && $0 < 0x7F ? $0 : UInt8(ascii: "?") }
        return String(decoding: shown, as: UTF8.self) + (field.count > 40 ? "…" : "")
    }
}
