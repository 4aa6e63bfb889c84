/// A fraction between 0 and 1, written as a percentage (`10%`) or a number (`0.1`, `1`).
public struct Ratio: ConfigScalar, Sendable, Hashable, Comparable, CustomStringConvertible {
    public let value: Double

    public init(_ value: Double) {
        precondition((0...1).contains(value), "Ratio must be between 0 and 1: \(value)")
        self.value = value
    }

    public init(parsing text: String) throws(ValueParseError) {
        let percent = text.hasSuffix("%")
        guard let number = ScalarSyntax.decimal(percent ? text.dropLast() : Substring(text)) else {
            throw ValueParseError(message: "\(Self.expectation), got \(quoted(text))")
        }
        let value = percent ? number / 100 : number
        guard (0...1).contains(value) else {
            throw ValueParseError(message: "expected a ratio between 0% and 100%, got \(quoted(text))")
        }
        // `-0` is a valid way to write zero, but should not print as "-0%".
        self.value = value == 0 ? 0 : value
    }

    /// A percentage when one reads back as exactly this value (`10%`, `12.5%`), otherwise
    /// the plain number, which always does.
    public var description: String {
        let percent = (value * 100 * 1_000_000).rounded() / 1_000_000
        var text = "\(percent)"
        if text.hasSuffix(".0") {
            text.removeLast(2)
        }
        text += "%"
        return (try? Ratio(parsing: text))?.value == value ? text : "\(value)"
    }

    public static func < (lhs: Ratio, rhs: Ratio) -> Bool {
        lhs.value < rhs.value
    }

    public static let expectation = "expected a ratio like \"10%\" or 0.1"
}
