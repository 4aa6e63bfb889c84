/// A `Decoder` reading straight from a `Node`, so that every value keeps its mark and
/// path all the way into error messages (no detour through JSON, which would lose both).
struct NodeDecoder: Decoder {
    let node: Node
    /// The node's position in the document, as used for messages and key tracking.
    let path: [PathComponent]
    let codingPath: [any CodingKey]
    let session: DecodingSession

    init(node: Node, path: [PathComponent], codingPath: [any CodingKey], session: DecodingSession) {
        self.node = node
        self.path = path
        self.codingPath = codingPath
        self.session = session
    }

    /// The decoder for the root of a (sub)document at `path`.
    init(node: Node, path: [PathComponent], session: DecodingSession) {
        self.init(node: node, path: path, codingPath: path.map(PathKey.init), session: session)
    }

    var userInfo: [CodingUserInfoKey: Any] { session.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard let pairs = node.mappingValue else {
            throw mismatch(Dictionary<String, Node>.self, expected: "a mapping")
        }
        // Keys are matched by their text; a list or mapping used as a key has none, and
        // no `CodingKey` could ever ask for it.
        if let complex = pairs.first(where: { $0.key.scalarValue == nil }) {
            throw YAMLError(file: session.file, mark: complex.key.mark, path: path.dotted,
                            message: "expected a string as a mapping key, got \(complex.key.summary)")
        }
        session.openedMapping(at: path)
        return KeyedDecodingContainer(KeyedNodeContainer<Key>(decoder: self, pairs: pairs))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard let items = node.sequenceValue else {
            throw mismatch([Node].self, expected: "a list")
        }
        return UnkeyedNodeContainer(decoder: self, items: items)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueNodeContainer(decoder: self)
    }

    func child(_ node: Node, at component: PathComponent, key: any CodingKey) -> NodeDecoder {
        NodeDecoder(node: node, path: path + [component], codingPath: codingPath + [key], session: session)
    }

    /// Every decode of a non-primitive value goes through here, so that errors which are
    /// not `DecodingError`s (a type's own validation error) can still be placed.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            let value = try T(from: self)
            session.succeeded()
            return value
        } catch {
            session.failed(at: path)
            throw error
        }
    }

    /// "expected a mapping, got a list"; a null is reported as a missing value rather than
    /// a wrong one, which is what `DecodingError` distinguishes.
    func mismatch(_ type: Any.Type, expected: String, got: String? = nil) -> DecodingError {
        let context = DecodingError.Context(codingPath: codingPath,
                                            debugDescription: "expected \(expected), got \(got ?? node.summary)")
        return node.isNull ? .valueNotFound(type, context) : .typeMismatch(type, context)
    }
}
