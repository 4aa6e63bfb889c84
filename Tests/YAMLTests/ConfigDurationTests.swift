import Testing
import YAML

@Suite("ConfigDuration")
struct ConfigDurationTests {
    @Test(arguments: [
        ("0", 0, "0s"),
        ("0s", 0, "0s"),
        ("1ns", 1, "1ns"),
        ("250us", 250_000, "250us"),
        ("250µs", 250_000, "250us"),
        ("250μs", 250_000, "250us"),
        ("250ms", 250_000_000, "250ms"),
        ("10s", 10_000_000_000, "10s"),
        ("5m", 300_000_000_000, "5m"),
        ("1h", 3_600_000_000_000, "1h"),
        ("2d", 172_800_000_000_000, "2d"),
        ("36h", 129_600_000_000_000, "36h"),
        ("1.5s", 1_500_000_000, "1500ms"),
        ("1.1s", 1_100_000_000, "1100ms"),
        (".5s", 500_000_000, "500ms"),
        ("1m30s", 90_000_000_000, "90s"),
        ("1h2m3s4ms", 3_723_004_000_000, "3723004ms"),
        ("0.000000001s", 1, "1ns"),
        ("0.0000000019s", 1, "1ns"),
        ("106751d", 9_223_286_400_000_000_000, "106751d"),
    ] as [(String, Int64, String)])
    func parses(_ text: String, _ nanoseconds: Int64, _ canonical: String) throws {
        let duration = try ConfigDuration(parsing: text)
        #expect(duration.nanoseconds == nanoseconds)
        #expect(duration.description == canonical)
        #expect(try ConfigDuration(parsing: canonical) == duration)
    }

    @Test(arguments: [
        ("fast", #"expected a duration like "5s", got "fast""#),
        ("", #"expected a duration like "5s", got """#),
        ("10", #"expected a duration like "5s", got "10" (add a unit: ns, us, ms, s, m, h or d)"#),
        ("1.5", #"expected a duration like "5s", got "1.5" (add a unit: ns, us, ms, s, m, h or d)"#),
        ("5 s", #"expected a duration like "5s", got "5 s""#),
        ("5sec", #"expected a duration like "5s", got "5sec""#),
        ("5S", #"expected a duration like "5s", got "5S""#),
        ("1m30", #"expected a duration like "5s", got "1m30" (add a unit: ns, us, ms, s, m, h or d)"#),
        ("s", #"expected a duration like "5s", got "s""#),
        ("+5s", #"expected a duration like "5s", got "+5s""#),
        ("-5s", #"expected a non-negative duration like "5s", got "-5s""#),
        ("106752d", #"expected a duration of at most 106751d, got "106752d""#),
        ("99999999999999999999s", #"expected a duration like "5s", got "99999999999999999999s""#),
        ("106751d106751d", #"expected a duration of at most 106751d, got "106751d106751d""#),
    ])
    func rejects(_ text: String, _ message: String) {
        let error = #expect(throws: ValueParseError.self) { try ConfigDuration(parsing: text) }
        #expect(error?.message == message)
        #expect(ConfigDuration(text) == nil)
    }

    @Test func convertsToAndFromSwiftDuration() {
        #expect(ConfigDuration(.milliseconds(1500)).nanoseconds == 1_500_000_000)
        #expect(ConfigDuration(.milliseconds(1500)).duration == .milliseconds(1500))
        #expect(ConfigDuration(.seconds(Int64.max)).nanoseconds == .max)
        #expect(ConfigDuration("5m") == ConfigDuration(.seconds(300)))
        #expect(ConfigDuration(.seconds(1)) < ConfigDuration(.seconds(2)))
    }
}
