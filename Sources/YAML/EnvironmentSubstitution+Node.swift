extension EnvironmentSubstitution {
    /// Substitutes every scalar value in `node`, leaving mapping keys alone.
    ///
    /// Keys are names chosen by the schema, not data, so they are never substituted; this
    /// also keeps unknown-key checks meaningful. Marks are preserved so errors point at the
    /// original text. A value that a substitution turned into `""`, `~` or `null` stays the
    /// string it became (double-quoted): `name: ${SERVICE_NAME}` with an empty variable is
    /// an empty name for validation to refuse, not a silently absent key.
    /// `path` is the path of `node` itself and is used for error messages only.
    public func apply(to node: Node, file: String, path: [String] = []) throws(YAMLError) -> Node {
        try apply(to: node, file: file, path: path.map(PathComponent.key))
    }

    func apply(to node: Node, file: String, path: [PathComponent]) throws(YAMLError) -> Node {
        var node = node
        switch node.kind {
        case .scalar(let text, let style):
            do {
                let substituted = try apply(to: text)
                let becameNull = substituted != text && style == .plain && Node(kind: .scalar(substituted, .plain), mark: node.mark).isNull
                node.kind = .scalar(substituted, becameNull ? .doubleQuoted : style)
            } catch {
                throw YAMLError(file: file, mark: node.mark, path: path.dotted, message: error.message)
            }
        case .sequence(var items):
            for index in items.indices {
                items[index] = try apply(to: items[index], file: file, path: path + [.index(index)])
            }
            node.kind = .sequence(items)
        case .mapping(var pairs):
            for index in pairs.indices {
                let key = pairs[index].key.scalarValue ?? "?"
                pairs[index].value = try apply(to: pairs[index].value, file: file, path: path + [.key(key)])
            }
            node.kind = .mapping(pairs)
        }
        return node
    }
}
