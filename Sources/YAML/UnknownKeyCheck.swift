/// Finds mapping keys that no decoded type asked for: usually typos (`endpont`) or
/// settings put at the wrong level, which would otherwise be silently ignored and leave
/// the agent running with a default the operator thought they had changed.
///
/// Only mappings that were actually opened by a keyed container are checked: a subtree
/// nobody looked into (under a key that is itself unknown, or taken whole as a `Node`)
/// has no one to say which keys would have been valid.
struct UnknownKeyCheck {
    let session: DecodingSession

    /// The first unknown key in document order, as an error at the key's mark.
    func firstUnknownKey(in node: Node, at path: [PathComponent]) -> YAMLError? {
        unknownKeys(in: node, at: path).first
    }

    /// Every key no type asked for, in document order.
    func unknownKeys(in node: Node, at path: [PathComponent]) -> [YAMLError] {
        var found: [YAMLError] = []
        collect(in: node, at: path, into: &found)
        return found
    }

    private func collect(in node: Node, at path: [PathComponent], into found: inout [YAMLError]) {
        guard !session.consumedSubtrees.contains(path) else { return }
        switch node.kind {
        case .scalar:
            return
        case .sequence(let items):
            for (index, item) in items.enumerated() {
                collect(in: item, at: path + [.index(index)], into: &found)
            }
        case .mapping(let pairs):
            let usage = session.keyUsage[path]
            for pair in pairs {
                guard let key = pair.key.scalarValue else { continue }
                if let usage, !usage.acceptsAll, !usage.requested.contains(key) {
                    found.append(YAMLError(file: session.file, mark: pair.key.mark, path: (path + [.key(key)]).dotted,
                                           message: Self.message(forUnknown: key, valid: usage.requested)))
                    continue
                }
                collect(in: pair.value, at: path + [.key(key)], into: &found)
            }
        }
    }

    /// Suggests the closest valid key when it is close enough to be a typo, otherwise
    /// lists the valid keys.
    static func message(forUnknown key: String, valid: Set<String>) -> String {
        let text = "unknown key \(quoted(key))"
        if valid.isEmpty {
            return text + " (no keys are expected here)"
        }
        if let suggestion = key.closestMatch(among: valid) {
            return text + " (did you mean \(quoted(suggestion))?)"
        }
        return text + " (valid keys: \(valid.sorted().joined(separator: ", ")))"
    }
}
