/// Decodes `Decodable` types from YAML: parse, substitute `${VAR}`s, decode, then reject
/// keys that no type asked for. Every failure is a `YAMLError` with file, line:column and path.
public struct YAMLDecoder: Sendable {
    public var environment: EnvironmentSubstitution
    public var userInfo: [CodingUserInfoKey: any Sendable]

    public init(environment: EnvironmentSubstitution = .processEnvironment(),
                userInfo: [CodingUserInfoKey: any Sendable] = [:]) {
        self.environment = environment
        self.userInfo = userInfo
    }

    /// Decodes a whole file. `file` is only used to label errors.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], file: String) throws(YAMLError) -> T {
        let document = try YAMLParser.parse(bytes, file: file)
        let substituted = try environment.apply(to: document, file: file, path: [PathComponent]())
        return try decode(type, from: substituted, file: file, path: [PathComponent]())
    }

    /// Decodes a subtree, such as one section of a file obtained by decoding `[String: Node]`.
    ///
    /// `path` is where `node` sits in its file (`["exporters", "otlp"]`), so errors read the
    /// same as if the whole file had been decoded at once. Environment substitution is not
    /// applied again: nodes obtained through `decode(_:from:file:)` already had it, and a
    /// second pass would turn an escaped `$${` into a live reference. For a node straight
    /// from `YAMLParser`, call `EnvironmentSubstitution.apply(to:file:path:)` first.
    public func decode<T: Decodable>(_ type: T.Type, from node: Node, file: String, path: [String] = []) throws(YAMLError) -> T {
        try decode(type, from: node, file: file, path: path.map(PathComponent.key))
    }

    private func decode<T: Decodable>(_ type: T.Type, from node: Node, file: String, path: [PathComponent]) throws(YAMLError) -> T {
        let session = DecodingSession(file: file, userInfo: userInfo)
        let value: T
        do {
            value = try NodeDecoder(node: node, path: path, session: session).decode(type)
        } catch {
            throw DecodingFailure(root: node, rootPath: path, session: session).yamlError(for: error)
        }
        if let unknown = UnknownKeyCheck(session: session).firstUnknownKey(in: node, at: path) {
            throw unknown
        }
        return value
    }
}
