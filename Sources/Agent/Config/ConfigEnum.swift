import YAML

/// A closed set of words in the config file (`level: info`, `format: json`). Decoding
/// an unknown word fails with the list of valid ones, so a typo explains itself.
public protocol ConfigEnum: RawRepresentable<String>, CaseIterable, Decodable, Sendable {}

extension ConfigEnum {
    public init(from decoder: any Decoder) throws {
        let word = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(rawValue: word) else {
            let valid = Self.allCases.map(\.rawValue)
            var message = "expected one of \(valid.joined(separator: ", ")), got \"\(word)\""
            if let near = word.closestMatch(among: valid) { message += " (did you mean \"\(near)\"?)" }
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: message))
        }
        self = value
    }
}
