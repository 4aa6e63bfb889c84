/// Parses YAML bytes into a resolved `Node` tree using libyaml's event API.
///
/// The event API (rather than libyaml's document API) is used because it reports a mark
/// for every node, lets aliases be expanded under a budget, and keeps one code path
/// from bytes to tree.
public enum YAMLParser {
    /// Parses exactly one document. `file` only labels errors.
    public static func parse(_ bytes: [UInt8], file: String) throws(YAMLError) -> Node {
        try parse(bytes, file: file, aliasBudget: TreeBuilder.defaultAliasBudget)
    }

    static func parse(_ bytes: [UInt8], file: String, aliasBudget: Int) throws(YAMLError) -> Node {
        var builder = TreeBuilder(file: file, aliasBudget: aliasBudget)
        // An empty file is an empty document; libyaml would also say so, but it cannot be
        // handed the null base address an empty array may have.
        guard !bytes.isEmpty else { return builder.document }
        try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLError) in
            let reader = try EventReader(input: buffer, file: file)
            while !builder.isFinished {
                try builder.handle(reader.next())
            }
        }
        return builder.document
    }
}
