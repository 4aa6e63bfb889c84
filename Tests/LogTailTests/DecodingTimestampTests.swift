import Testing

@testable import LogTail
import Telemetry

@Suite struct DecodingTimestampTests {
    func rfc(_ text: String) -> Int64? {
        Array(text.utf8).withUnsafeBytes { LogTimestamp.parseRFC3339($0)?.nanosecondsSinceEpoch }
    }

    func epoch(_ text: String) -> Int64? {
        Array(text.utf8).withUnsafeBytes { LogTimestamp.parseEpoch($0)?.nanosecondsSinceEpoch }
    }

    @Test func rfc3339() {
        #expect(rfc("1970-01-01T00:00:00Z") == 0)
        #expect(rfc("2026-11-22T10:15:30.123456789Z") == 1_795_342_530_123_456_789)
        #expect(rfc("2026-11-22T12:15:30.123456789+02:00") == 1_795_342_530_123_456_789)
        #expect(rfc("2026-11-22T04:45:30.123456789-0530") == 1_795_342_530_123_456_789)
        #expect(rfc("2026-11-22 10:15:30,5") == 1_795_342_530_500_000_000)
        #expect(rfc("2026-11-22t10:15:30.1234567891234z") == 1_795_342_530_123_456_789)
        #expect(rfc("2000-02-29T00:00:00Z") == 951_782_400_000_000_000)
        #expect(rfc("1969-12-31T23:59:59Z") == -1_000_000_000)
    }

    @Test(arguments: ["", "2026-11-22", "2026-13-01T00:00:00Z", "2026-11-22T25:00:00Z", "2026-11-22T10:15:30.Z",
        "2026-11-22T10:15:30Zx", "2026-11-22T10:15:30+2", "2026/11/22T10:15:30Z", "2026-11-22T10:15:30 Z"])
    func rejects(_ text: String) {
        #expect(rfc(text) == nil)
    }

    @Test func epochUnitsByMagnitude() {
        #expect(epoch("1795342530") == 1_795_342_530_000_000_000)
        #expect(epoch("1795342530.25") == 1_795_342_530_250_000_000)
        #expect(epoch("1795342530123") == 1_795_342_530_123_000_000)
        #expect(epoch("1795342530123456") == 1_795_342_530_123_456_000)
        #expect(epoch("1795342530123456789") == 1_795_342_530_123_456_789)
        #expect(epoch("-5") == nil)
        #expect(epoch("1e9") == nil)
        #expect(epoch("99999999999999999999") == nil)
    }
}

/// The digit writers every encoder uses (Telemetry), checked against the standard library's
/// own formatting over edge and random values.
@Suite("Digit writers")
struct DigitWriterTests {
    @Test func hexDigitsMatchTheStandardLibrary() {
        var generator = SystemRandomNumberGenerator()
        let values: [UInt64] = [0, 1, 9, 10, 15, 16, 0xDEAD_BEEF, 0x0123_4567_89AB_CDEF, .max] + (0..<200).map { _ in generator.next() }
        for value in values {
            var out: [UInt8] = [UInt8(ascii: "x")]
            HexDigit.append(value, to: &out)
            let expected = "x" + String(repeating: "0", count: 16 - String(value, radix: 16).count) + String(value, radix: 16)
            #expect(String(decoding: out, as: UTF8.self) == expected)
            let parsed = out.withUnsafeBytes { HexDigit.parse($0, from: 1, count: 16) }
            #expect(parsed == value)
            let upper = Array(String(decoding: out[1...], as: UTF8.self).uppercased().utf8)
            #expect(upper.withUnsafeBytes { HexDigit.parse($0, from: 0, count: 16) } == value)
        }
        for bad in ["0123456789abcdeg", "g000000000000000", "000000000000000/", "00000000:0000000", "0000000 00000000"] {
            #expect(Array(bad.utf8).withUnsafeBytes { HexDigit.parse($0, from: 0, count: 16) } == nil, "\(bad)")
        }
    }

    @Test func decimalDigitsMatchTheStandardLibrary() {
        var generator = SystemRandomNumberGenerator()
        let values: [UInt64] = [0, 1, 9, 10, 99, 100, 1_000_000_000, .max] + (0..<200).map { _ in generator.next() >> (generator.next() % 64) }
        for value in values {
            for width in [1, 2, 4, 9, 20, 24, 30] {
                var out: [UInt8] = [UInt8(ascii: "x")]
                DecimalDigits.append(value, minimumWidth: width, to: &out)
                let digits = String(value)
                let expected = "x" + String(repeating: "0", count: max(0, width - digits.count)) + digits
                #expect(String(decoding: out, as: UTF8.self) == expected)
            }
        }
    }

    @Test func rfc3339FormattingRoundTrips() {
        #expect(RFC3339.string(Timestamp(nanosecondsSinceEpoch: 0)) == "1970-01-01T00:00:00.000000000Z")
        #expect(RFC3339.string(Timestamp(nanosecondsSinceEpoch: -1)) == "1969-12-31T23:59:59.999999999Z")
        let t = Timestamp(nanosecondsSinceEpoch: 1_795_392_000_123_456_789)
        #expect(RFC3339.string(t, fractionDigits: 3) == "2026-11-23T00:00:00.123Z")
        #expect(RFC3339.string(t, fractionDigits: 0) == "2026-11-23T00:00:00Z")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let time = Timestamp(nanosecondsSinceEpoch: Int64.random(in: -9_000_000_000_000_000_000...9_000_000_000_000_000_000, using: &generator))
            let text = RFC3339.string(time)
            #expect(Array(text.utf8).withUnsafeBytes { LogTimestamp.parseRFC3339($0) } == time, "\(text)")
        }
    }
}
