import Testing
import YAML

@Suite("Ratio")
struct RatioTests {
    @Test(arguments: [
        ("10%", 0.1, "10%"),
        ("0.1", 0.1, "10%"),
        ("100%", 1, "100%"),
        ("1", 1, "100%"),
        ("0", 0, "0%"),
        ("0%", 0, "0%"),
        ("-0", 0, "0%"),
        ("12.5%", 0.125, "12.5%"),
        ("0.25", 0.25, "25%"),
        ("1e-3", 0.001, "0.1%"),
        ("+50%", 0.5, "50%"),
    ])
    func parses(_ text: String, _ value: Double, _ canonical: String) throws {
        let ratio = try Ratio(parsing: text)
        #expect(ratio.value == value)
        #expect(ratio.description == canonical)
        #expect(try Ratio(parsing: canonical) == ratio)
    }

    @Test(arguments: ["0.333", "33.3%", "0.1234567891", "1e-9", "0.7"])
    func descriptionRoundTrips(_ text: String) throws {
        let ratio = try Ratio(parsing: text)
        #expect(try Ratio(parsing: ratio.description) == ratio)
    }

    @Test(arguments: [
        ("abc", #"expected a ratio like "10%" or 0.1, got "abc""#),
        ("", #"expected a ratio like "10%" or 0.1, got """#),
        ("%", #"expected a ratio like "10%" or 0.1, got "%""#),
        ("10 %", #"expected a ratio like "10%" or 0.1, got "10 %""#),
        (".nan", #"expected a ratio like "10%" or 0.1, got ".nan""#),
        ("0x1", #"expected a ratio like "10%" or 0.1, got "0x1""#),
        ("150%", #"expected a ratio between 0% and 100%, got "150%""#),
        ("1.01", #"expected a ratio between 0% and 100%, got "1.01""#),
        ("-1%", #"expected a ratio between 0% and 100%, got "-1%""#),
    ])
    func rejects(_ text: String, _ message: String) {
        let error = #expect(throws: ValueParseError.self) { try Ratio(parsing: text) }
        #expect(error?.message == message)
        #expect(Ratio(text) == nil)
    }
}
