/// A decoded value together with where it stood in the file.
///
/// For checks that can only run after decoding (a pipeline naming an exporter that does
/// not exist, two listeners on one port), so that those errors can still say
/// `file:line:column: path:` like the decoder's own. Decoding through `YAMLDecoder` fills
/// `mark` and `path`; other decoders leave `mark` nil and give the path from `codingPath`.
public struct Located<Value: Decodable & Sendable>: Decodable, Sendable {
    public var value: Value
    public var mark: Mark?
    public var path: String

    public init(value: Value, mark: Mark?, path: String) {
        self.value = value
        self.mark = mark
        self.path = path
    }

    public init(from decoder: any Decoder) throws {
        value = try Value(from: decoder)
        if let decoder = decoder as? NodeDecoder {
            mark = decoder.node.mark
            path = decoder.path.dotted
        } else {
            mark = nil
            path = decoder.codingPath.map(PathComponent.init).dotted
        }
    }

    /// An error about this value, placed where the value was written.
    public func error(file: String, _ message: String) -> YAMLError {
        YAMLError(file: file, mark: mark, path: path, message: message)
    }
}

extension Located: Equatable where Value: Equatable {}
extension Located: Hashable where Value: Hashable {}
