extension EnvironmentSubstitution {
    /// Substitutes every scalar value in `node`, leaving mapping keys alone.
    ///
    /// Keys are names chosen by the schema, not data, so they are never substituted; this
    /// also keeps unknown-key checks meaningful. Styles and marks are preserved, so a
    /// plain `port: ${PORT}` still decodes as a number and errors point at the original text.
    /// `path` is the path of `node` itself and is used for error messages only.
    public func apply(to node: Node, file: String, path: [String] = []) throws(YAMLError) -> Node {
        try apply(to: node, file: file, path: path.map(PathComponent.key))
    }

    func apply(to node: Node, file: String, path: [PathComponent]) throws(YAMLError) -> Node {
        var node = node
        switch node.kind {
        case .scalar(let text, let style):
            do {
                node.kind = .scalar(try apply(to: text), style)
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
