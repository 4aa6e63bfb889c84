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
