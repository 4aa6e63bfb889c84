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
        switch decodeReportingAll(type, from: node, file: file, path: path) {
        case .success(let value): return value
        case .failure(let errors): throw errors.errors[0]
        }
    }

    /// Like `decode(_:from:file:path:)`, but when the value decodes and only its keys are
    /// wrong, every unknown key is reported rather than the first: a config with three
    /// typos is fixed in one round. A value that does not decode reports its first error.
    public func decodeReportingAll<T: Decodable>(
        _ type: T.Type, from node: Node, file: String, path: [String] = []
    ) -> Result<T, YAMLErrors> {
        decodeReportingAll(type, from: node, file: file, path: path.map(PathComponent.key))
    }

    private func decodeReportingAll<T: Decodable>(
        _ type: T.Type, from node: Node, file: String, path: [PathComponent]
    ) -> Result<T, YAMLErrors> {
        let session = DecodingSession(file: file, userInfo: userInfo)
        let value: T
        do {
            value = try NodeDecoder(node: node, path: path, session: session).decode(type)
        } catch {
            return .failure(YAMLErrors(errors: [DecodingFailure(root: node, rootPath: path, session: session).yamlError(for: error)]))
        }
        let unknown = UnknownKeyCheck(session: session).unknownKeys(in: node, at: path)
        return unknown.isEmpty ? .success(value) : .failure(YAMLErrors(errors: unknown))
    }
}
