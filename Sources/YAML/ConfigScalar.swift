/// A config value written as one scalar with a syntax of its own (`5s`, `64MiB`, `10%`,
/// `0.0.0.0:8686`). Conforming types write `init(parsing:)` and the phrase that starts
/// their error message; string conversion and decoding come from those two.
public protocol ConfigScalar: Decodable, LosslessStringConvertible {
    init(parsing text: String) throws(ValueParseError)
    /// `expected a duration like "5s"`: what a bad value's error message starts with.
    static var expectation: String { get }
}

extension ConfigScalar {
    public init?(_ description: String) {
        try? self.init(parsing: description)
    }

    public init(from decoder: any Decoder) throws {
        self = try decoder.decodeScalarValue(expecting: Self.expectation, Self.init(parsing:))
    }
}
