/// Folds YAML merge keys (`<<: *defaults`, `<<: [*a, *b]`) into the mapping that holds them.
///
/// Merging happens while the tree is built so that decoders, unknown-key checks and
/// callers walking a `Node` see ordinary keys and never the `<<` convention.
/// Precedence follows the merge-key spec: keys written in the mapping itself win over
/// merged ones, and among several merged mappings the earlier one wins.
enum MergeKey {
    static func resolve(_ pairs: [Node.Pair], file: String, path: [PathComponent]) throws(YAMLError) -> [Node.Pair] {
        guard pairs.contains(where: { isMergeKey($0.key) }) else { return pairs }

        let explicitKeys = Set(pairs.lazy.filter { !isMergeKey($0.key) }.compactMap(\.key.scalarValue))
        var mergedKeys: Set<String> = []
        var resolved: [Node.Pair] = []
        for pair in pairs {
            guard isMergeKey(pair.key) else {
                resolved.append(pair)
                continue
            }
            // Merged pairs take the place of the `<<` entry, keeping document order
            // roughly what the author sees.
            for source in try sources(of: pair.value, file: file, path: path + [.key("<<")]) {
                for merged in source {
                    guard let name = merged.key.scalarValue else {
                        resolved.append(merged)
                        continue
                    }
                    if !explicitKeys.contains(name), mergedKeys.insert(name).inserted {
                        resolved.append(merged)
                    }
                }
            }
        }
        return resolved
    }

    private static func isMergeKey(_ key: Node) -> Bool {
        guard case .scalar("<<", let style) = key.kind else { return false }
        return key.tag == "tag:yaml.org,2002:merge" || (key.tag == nil && style == .plain)
    }

    private static func sources(of value: Node, file: String, path: [PathComponent]) throws(YAMLError) -> [[Node.Pair]] {
        switch value.kind {
        case .mapping(let pairs):
            return [pairs]
        case .sequence(let items):
            var sources: [[Node.Pair]] = []
            for (index, item) in items.enumerated() {
                guard let pairs = item.mappingValue else {
                    throw notMergeable(item, file: file, path: path + [.index(index)])
                }
                sources.append(pairs)
            }
            return sources
        case .scalar:
            throw notMergeable(value, file: file, path: path)
        }
    }

    private static func notMergeable(_ node: Node, file: String, path: [PathComponent]) -> YAMLError {
        YAMLError(file: file, mark: node.mark, path: path.dotted,
                  message: "the merge key \"<<\" takes a mapping or a list of mappings, got \(node.summary)")
    }
}
