extension Decoder {
    /// Decodes a value written as one scalar (`10s`, `64MiB`) and reports every failure,
    /// including a null or a list where the scalar should be, in the value type's own
    /// words: `expected a duration like "5s", got a list` says more than "expected a string".
    func decodeScalarValue<T>(expecting expectation: String,
                              _ parse: (String) throws(ValueParseError) -> T) throws -> T {
        let container = try singleValueContainer()
        let text: String
        do {
            text = try container.decode(String.self)
        } catch {
            let got = (self as? NodeDecoder)?.node.valueSummary ?? "a value that is not a string"
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(expectation), got \(got)")
        }
        do {
            return try parse(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }
}
