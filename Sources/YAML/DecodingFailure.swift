/// Turns whatever a type's `init(from:)` threw into a `YAMLError` placed in the document.
///
/// A `DecodingError`'s coding path is followed down the tree to the node it names, so a
/// bad value is reported at the value and a missing key at the mapping that lacks it.
/// Other errors (a type's own validation) are placed at the innermost value whose
/// decoding they escaped from.
struct DecodingFailure {
    let root: Node
    let rootPath: [PathComponent]
    let session: DecodingSession

    func yamlError(for error: any Error) -> YAMLError {
        switch error {
        case let error as YAMLError:
            return error
        case let error as DecodingError:
            guard let context = error.context else { break }
            let (node, path) = locate(Array(context.codingPath.dropFirst(rootPath.count)))
            return YAMLError(file: session.file, mark: node.mark, path: path.dotted, message: context.debugDescription)
        default:
            break
        }
        let path = session.failurePath ?? rootPath
        let node = locate(path.dropFirst(rootPath.count).map(PathKey.init)).node
        return YAMLError(file: session.file, mark: node.mark, path: path.dotted, message: String(describing: error))
    }

    /// The deepest node along `codingPath` (relative to the root) and the full path.
    /// Steps past the last existing node (such as a key that is absent) still appear in
    /// the path, so the message names what was being looked for.
    private func locate(_ codingPath: [any CodingKey]) -> (node: Node, path: [PathComponent]) {
        var node = root
        var path = rootPath
        var remaining = codingPath[...]
        while let key = remaining.first {
            if let value = node[key.stringValue] {
                node = value
                path.append(.key(key.stringValue))
            } else if let items = node.sequenceValue, let index = key.intValue, items.indices.contains(index) {
                node = items[index]
                path.append(.index(index))
            } else {
                break
            }
            remaining = remaining.dropFirst()
        }
        return (node, path + remaining.map(PathComponent.init))
    }
}

extension DecodingError {
    var context: Context? {
        switch self {
        case .typeMismatch(_, let context), .valueNotFound(_, let context),
             .keyNotFound(_, let context), .dataCorrupted(let context):
            return context
        @unknown default:
            return nil
        }
    }
}
