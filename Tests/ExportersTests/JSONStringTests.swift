import Foundation
import Testing
import Telemetry
@testable import Exporters

@Suite("JSON: strings, numbers, timestamps, base64")
struct JSONStringTests {
    static func string(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        JSONString.append(bytes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// What a JSON parser reads back from our string literal.
    static func roundTrip(_ bytes: [UInt8]) throws -> String? {
        var out: [UInt8] = []
        JSONString.append(bytes, to: &out)
        return try JSONSerialization.jsonObject(with: Data(out), options: .fragmentsAllowed) as? String
    }

    @Test("quotes, backslashes and control characters are escaped; the rest is copied")
    func escaping() {
        #expect(Self.string(Array("plain".utf8)) == #""plain""#)
        #expect(Self.string(Array("a\"b\\c/d".utf8)) == #""a\"b\\c/d""#)
        #expect(Self.string(Array("\n\r\t".utf8)) == #""\n\r\t""#)
        #expect(Self.string([0x00, 0x08, 0x0C, 0x1B, 0x1F, 0x7F]) == #""\u0000\u0008\u000c\u001b\u001f\u007f""#)
        #expect(Self.string(Array("é 😀 中".utf8)) == "\"é 😀 中\"")
        #expect(Self.string([]) == #""""#)
    }

    @Test("each maximal invalid UTF-8 subpart becomes one U+FFFD", arguments: [
        ([0x80], "\u{FFFD}"),                             // stray continuation
        ([0xC0, 0xAF], "\u{FFFD}\u{FFFD}"),               // overlong lead, never valid
        ([0xE2, 0x82], "\u{FFFD}"),                       // truncated at the end
        ([0xE2, 0x82, 0x41], "\u{FFFD}A"),                // truncated before ASCII
        ([0xED, 0xA0, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}"), // surrogate: ED allows only 80...9F next
        ([0xF4, 0x90, 0x80, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}"), // above U+10FFFF
        ([0xF0, 0x9F, 0x98], "\u{FFFD}"),                 // emoji cut short
        ([0xFF, 0xFE], "\u{FFFD}\u{FFFD}"),
        ([0xF0, 0x9F, 0x98, 0x80], "😀"),
    ] as [([UInt8], String)])
    func invalidUTF8(bytes: [UInt8], expected: String) throws {
        #expect(try Self.roundTrip(bytes) == expected)
        #expect(expected == String(decoding: bytes, as: UTF8.self), "agrees with Swift's own decoder")
    }

    @Test("random bytes: always parseable, and read back exactly as Swift decodes them")
    func randomBytes() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let length = Int.random(in: 0..<48, using: &generator)
            // Biased toward the interesting bytes: controls, quotes, backslashes, high bytes.
            let bytes = (0..<length).map { _ -> UInt8 in
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: UInt8.random(in: 0...0x20, using: &generator)
                case 1: [UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x7F].randomElement(using: &generator)!
                default: UInt8.random(in: 0x80...0xFF, using: &generator)
                }
            }
            let decoded = try Self.roundTrip(bytes)
            #expect(decoded == String(decoding: bytes, as: UTF8.self), "bytes \(bytes)")
        }
    }

    @Test("numbers: integral doubles without a fraction, non-finite as strings in both spellings")
    func numbers() {
        func prometheus(_ value: Double) -> String {
            var out: [UInt8] = []
            JSONNumber.append(value, nonFinite: .prometheus, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        func protobuf(_ value: Double) -> String {
            var out: [UInt8] = []
            JSONNumber.append(value, nonFinite: .protobuf, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        func integer(_ value: Int64) -> String {
            var out: [UInt8] = []
            JSONNumber.append(value, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        #expect(prometheus(42) == "42")
        #expect(prometheus(-0.0) == "0")
        #expect(prometheus(0.1) == "0.1")
        #expect(prometheus(-273.15) == "-273.15")
        #expect(prometheus(1e-7) == "1e-07")
        #expect(prometheus(0x1p62) == "4611686018427387904")
        #expect(prometheus(-0x1p63) == "-9223372036854775808")
        #expect(prometheus(0x1p63) == "9.223372036854776e+18")
        #expect([Double.nan, .infinity, -.infinity].map(prometheus) == [#""NaN""#, #""+Inf""#, #""-Inf""#])
        #expect([Double.nan, .infinity, -.infinity].map(protobuf) == [#""NaN""#, #""Infinity""#, #""-Infinity""#])
        #expect([0, 7, -7, .max, .min].map(integer) == ["0", "7", "-7", "9223372036854775807", "-9223372036854775808"])
    }

    @Test("RFC 3339 with nanoseconds agrees with gmtime over four centuries of instants")
    func timestamps() {
        func rfc3339(_ nanoseconds: Int64) -> String {
            var out: [UInt8] = []
            RFC3339.append(Timestamp(nanosecondsSinceEpoch: nanoseconds), to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        #expect(rfc3339(0) == "1970-01-01T00:00:00.000000000Z")
        #expect(rfc3339(1_795_521_600_123_456_789) == "2026-11-24T12:00:00.123456789Z")
        #expect(rfc3339(-1) == "1969-12-31T23:59:59.999999999Z")
        #expect(rfc3339(951_782_400 * 1_000_000_000) == "2000-02-29T00:00:00.000000000Z")
        #expect(rfc3339(.max) == "2262-04-11T23:47:16.854775807Z")
        #expect(rfc3339(.min) == "1677-09-21T00:12:43.145224192Z")

        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let seconds = Int64.random(in: -9_000_000_000...9_000_000_000, using: &generator)
            let expected = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            #expect(rfc3339(seconds * 1_000_000_000) == expected + ".000000000Z")
        }
    }

    @Test("base64 matches the RFC 4648 test vectors")
    func base64() {
        func encode(_ text: String) -> String {
            var out: [UInt8] = []
            Base64.appendQuoted(Array(text.utf8), to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            #expect(encode(plain) == "\"\(encoded)\"")
        }
        var out: [UInt8] = []
        Base64.appendQuoted([0xFB, 0xFF, 0xBF], to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "\"+/+/\"")
    }
}
