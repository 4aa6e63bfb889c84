import Testing
@testable import LogTail

@Suite("UTF-8 validation and repair, UTF-16LE")
struct FramingUTF8Tests {
    /// What Swift's own decoder makes of `input`: the reference for U+FFFD substitution.
    func reference(_ input: [UInt8]) -> (bytes: [UInt8], replacements: Int) {
        let string = String(decoding: input, as: UTF8.self)
        return (Array(string.utf8), string.unicodeScalars.filter { $0 == "\u{FFFD}" }.count)
    }

    func validate(_ input: [UInt8]) -> Bool {
        input.withUnsafeBytes { UTF8Validator.isValid($0) }
    }

    @Test("valid ASCII and UTF-8 pass unchanged")
    func valid() {
        for text in ["", "plain ascii log line with enough bytes for the word loop", "é", "€uro", "😀 emoji", "mixed ascii then ü then more ascii text", "\u{10FFFF}\u{D7FF}\u{E000}"] {
            let input = Array(text.utf8)
            #expect(validate(input), "\(text)")
            let (output, replacements) = UTF8Validator.repaired(input)
            #expect(output == input)
            #expect(replacements == 0)
        }
    }

    static let invalid: [(String, [UInt8], Int)] = [
        ("overlong 2-byte /", [0x41, 0xC0, 0xAF, 0x42], 2),
        ("overlong C1", [0xC1, 0xBF], 2),
        ("overlong 3-byte", [0xE0, 0x80, 0xAF], 3),
        ("overlong 4-byte", [0xF0, 0x80, 0x80, 0xAF], 4),
        ("surrogate D800", [0xED, 0xA0, 0x80], 3),
        ("surrogate DFFF", [0x61, 0xED, 0xBF, 0xBF, 0x62], 3),
        ("above U+10FFFF", [0xF4, 0x90, 0x80, 0x80], 4),
        ("truncated 2-byte at end", [0x61, 0xC3], 1),
        ("truncated 3-byte at end", [0xE2, 0x82], 1),
        ("truncated 3-byte before ASCII", [0xE2, 0x82, 0x41], 1),
        ("truncated 4-byte at end", [0xF0, 0x9F, 0x98], 1),
        ("truncated 4-byte before valid", [0xF0, 0x9F, 0xC3, 0xA9], 1),
        ("lone continuation", [0x80], 1),
        ("continuations", [0x61, 0x80, 0xBF, 0x62], 2),
        ("F5", [0xF5, 0x80, 0x80, 0x80], 4),
        ("FE FF", [0xFE, 0xFF], 2),
    ]

    @Test("invalid sequences of every kind are replaced with U+FFFD and counted", arguments: invalid.indices)
    func invalidKinds(_ index: Int) {
        let (name, input, expected) = Self.invalid[index]
        #expect(!validate(input), "\(name)")
        let (output, replacements) = UTF8Validator.repaired(input)
        #expect(replacements == expected, "\(name)")
        #expect(output == reference(input).bytes, "\(name)")
        #expect(validate(output))
    }

    @Test("every byte F5...FF is invalid alone and amid ASCII")
    func highBytes() {
        for byte in UInt8(0xF5)...0xFF {
            let input: [UInt8] = Array("0123456789".utf8) + [byte] + Array("abcdefgh".utf8)
            #expect(!validate(input))
            let (output, replacements) = UTF8Validator.repaired(input)
            #expect(replacements == 1)
            #expect(output == reference(input).bytes)
        }
    }

    @Test("random bytes: validation and repair agree with Swift's decoder")
    func randomAgreement() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x41, 0x0A, 0x7F, 0x80, 0x8F, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF]
        for _ in 0..<3000 {
            let count = Int.random(in: 0...24, using: &generator)
            let input = (0..<count).map { _ in alphabet.randomElement(using: &generator)! }
            let expected = reference(input)
            let (output, replacements) = UTF8Validator.repaired(input)
            #expect(output == expected.bytes, "\(input)")
            #expect(replacements == expected.replacements, "\(input)")
            #expect(validate(input) == (expected.bytes == input), "\(input)")
        }
    }

    @Test("a framed batch is repaired line by line, keeping flags; a valid batch is untouched")
    func batchRepair() {
        var framer = LineFramer(.init(maxLineBytes: 8))
        var batch = LineBatch()
        framer.frame([0x6F, 0x6B, 0x0A, 0x62, 0x61, 0x64, 0xFF, 0x0A] + Array("0123456789abc\n".utf8), into: &batch, now: .now)
        let valid = batch
        #expect(batch.repairUTF8() == 1)
        #expect(batch.map { String(decoding: $0, as: UTF8.self) } == ["ok", "bad\u{FFFD}", "01234567"])
        #expect(batch.entries.map(\.flags) == valid.entries.map(\.flags))
        #expect(batch.repairUTF8() == 0)
    }

    static func littleEndian(_ units: [UInt16]) -> [UInt8] {
        units.flatMap { unit -> [UInt8] in [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
    }

    func utf16LE(_ text: String, bom: Bool) -> [UInt8] {
        (bom ? [0xFF, 0xFE] : []) + Self.littleEndian(Array(text.utf16))
    }

    @Test("UTF-16LE with a BOM transcodes to UTF-8 at every split point")
    func utf16EverySplit() {
        let text = "héllo Ċ 😀 wörld\nsecond line\r\n"
        let input = utf16LE(text, bom: true)
        for split in 0...input.count {
            var decoder = UTF16LEDecoder()
            var output: [UInt8] = []
            decoder.decode(Array(input[..<split]), into: &output)
            decoder.decode(Array(input[split...]), into: &output)
            #expect(decoder.finish(into: &output) == 0)
            #expect(output == Array(text.utf8), "split at \(split)")
            #expect(decoder.errors == 0)
        }
    }

    @Test("UTF-16LE: only a leading BOM is dropped; unpaired surrogates and an odd byte are counted")
    func utf16Errors() {
        var decoder = UTF16LEDecoder()
        var output: [UInt8] = []
        // "a", lone low surrogate, "b", high surrogate + "c", mid-stream U+FEFF, high at end.
        let units: [UInt16] = [0x61, 0xDC00, 0x62, 0xD83D, 0x63, 0xFEFF, 0xD83D]
        let input = Self.littleEndian(units) + [0x41]
        #expect(decoder.decode(input, into: &output) == 2)
        #expect(decoder.finish(into: &output) == 2)
        #expect(String(decoding: output, as: UTF8.self) == "a\u{FFFD}b\u{FFFD}c\u{FEFF}\u{FFFD}\u{FFFD}")
        #expect(decoder.errors == 4)
    }

    @Test("UTF-16LE is framed after transcoding: U+010A's 0x0A byte is no newline")
    func utf16ThenFrame() {
        let input = utf16LE("Ċ first\nsecond\n", bom: true)
        var decoder = UTF16LEDecoder()
        var utf8: [UInt8] = []
        decoder.decode(input, into: &utf8)
        var framer = LineFramer()
        var batch = LineBatch()
        framer.frame(utf8, into: &batch, now: .now)
        #expect(batch.map { String(decoding: $0, as: UTF8.self) } == ["Ċ first", "second"])
    }
}
