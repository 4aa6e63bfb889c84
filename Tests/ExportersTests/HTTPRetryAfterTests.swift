import Telemetry
import Testing
@testable import Exporters

@Suite("HTTP: Retry-After")
struct HTTPRetryAfterTests {
    /// Sun, 06 Nov 1994 08:49:37 GMT, RFC 9110's example date.
    static let example: Int64 = 784_111_777
    static let now = Timestamp(nanosecondsSinceEpoch: (example - 30) * 1_000_000_000)

    @Test(arguments: [("120", 120), ("0", 0), (" 5 ", 5), ("299", 299), ("300", 300)])
    func deltaSeconds(value: String, seconds: Int) {
        #expect(RetryAfter.parse(value, now: Self.now) == .seconds(seconds))
    }

    @Test("absurd waits are capped at five minutes")
    func capped() {
        #expect(RetryAfter.parse("3600", now: Self.now) == RetryAfter.maximum)
        #expect(RetryAfter.parse("99999999999999999999999", now: Self.now) == RetryAfter.maximum)
        #expect(RetryAfter.parse("Sun, 06 Nov 2044 08:49:37 GMT", now: Self.now) == RetryAfter.maximum)
    }

    @Test("all three HTTP-date forms, relative to now", arguments: [
        "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
    ])
    func httpDates(value: String) {
        #expect(HTTPDate.secondsSinceEpoch(value) == Self.example)
        #expect(RetryAfter.parse(value, now: Self.now) == .seconds(30))
    }

    @Test("a date in the past means now")
    func pastDate() {
        let later = Timestamp(nanosecondsSinceEpoch: (Self.example + 60) * 1_000_000_000)
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", now: later) == .zero)
    }

    @Test("anything else is ignored", arguments: [
        "", "soon", "-5", "1.5", "12s", "Sun, 06 Nov 1994 08:49:37 PST", "Sun, 32 Nov 1994 08:49:37 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT", "Sun, 06 Nov 1994 08:49 GMT",
    ])
    func garbage(value: String) {
        #expect(RetryAfter.parse(value, now: Self.now) == nil)
    }

    @Test("days since the epoch")
    func civilDays() {
        #expect(HTTPDate.daysSinceEpoch(year: 1970, month: 1, day: 1) == 0)
        #expect(HTTPDate.daysSinceEpoch(year: 2000, month: 3, day: 1) == 11_017)
        #expect(HTTPDate.daysSinceEpoch(year: 2024, month: 2, day: 29) == 19_782)
    }
}
