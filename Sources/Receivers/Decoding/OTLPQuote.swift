/// Bits of a request quoted in an error message: a header value or a few bytes of the
/// body, cut short, so a hostile request never gets its megabytes echoed back.
enum OTLPQuote {
    /// Characters of a quoted value kept before `…`.
    static let maxCharacters = 32

    /// `"value"`, or `"first 32 characters…"`.
    static func short<Text: StringProtocol>(_ text: Text) -> String {
        let kept = text.prefix(maxCharacters)
        return "\"" + kept + (kept.endIndex < text.endIndex ? "…" : "") + "\""
    }

    /// One byte as a reader would name it: `'g'` when printable ASCII, `0x00` otherwise.
    static func byte(_ byte: UInt8) -> String {
        guard byte >= 0x20, byte < 0x7F else {
            let digits = String(byte, radix: 16, uppercase: true)
            return "0x" + (digits.count == 1 ? "0" + digits : digits)
        }
        return "'" + String(UnicodeScalar(byte)) + "'"
    }
}
