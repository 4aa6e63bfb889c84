/// One node of a parsed YAML document, with the mark of where it starts.
///
/// The tree is already resolved: aliases are expanded into copies and merge keys
/// (`<<`) are folded into their mappings, so code reading a `Node` never has to know
/// those YAML features exist. Scalars stay text; deciding whether `8080` is a number is
/// the decoder's job, driven by the type being decoded rather than by guessing here.
public struct Node: Sendable, Hashable {
    public enum ScalarStyle: Sendable, Hashable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    public enum Kind: Sendable, Hashable {
        case scalar(String, ScalarStyle)
        case sequence([Node])
        case mapping([Pair])
    }

    /// Mappings are ordered lists of pairs, not dictionaries, so that document order
    /// (and with it "first unknown key" and stable error order) survives parsing.
    public struct Pair: Sendable, Hashable {
        public var key: Node
        public var value: Node

        public init(key: Node, value: Node) {
            self.key = key
            self.value = value
        }
    }

    public var kind: Kind
    /// Where the node starts.
    public var mark: Mark
    /// The explicit tag, already expanded by libyaml (`!!str` arrives as `tag:yaml.org,2002:str`).
    public var tag: String?

    public init(kind: Kind, mark: Mark, tag: String? = nil) {
        self.kind = kind
        self.mark = mark
        self.tag = tag
    }

    /// A node with no value: an empty document, an empty value (`key:`), or `~` / `null`.
    ///
    /// Only plain scalars can be null: `""` and `"null"` are strings the author wrote on
    /// purpose. An explicit `!!null` tag is null whatever its text; any other tag is not.
    public var isNull: Bool {
        guard case .scalar(let text, let style) = kind else { return false }
        switch tag {
        case nil:
            return style == .plain && Self.nullSpellings.contains(text)
        case "tag:yaml.org,2002:null":
            return true
        default:
            return false
        }
    }

    private static let nullSpellings: Set<String> = ["", "~", "null", "Null", "NULL"]

    /// The text of a scalar, whatever its style; nil for lists and mappings.
    public var scalarValue: String? {
        if case .scalar(let text, _) = kind { text } else { nil }
    }

    /// The items of a list; nil for scalars and mappings.
    public var sequenceValue: [Node]? {
        if case .sequence(let items) = kind { items } else { nil }
    }

    /// The pairs of a mapping in document order; nil for scalars and lists.
    public var mappingValue: [Pair]? {
        if case .mapping(let pairs) = kind { pairs } else { nil }
    }

    /// The value stored under a scalar key, or nil if this is not a mapping or has no such key.
    public subscript(key: String) -> Node? {
        mappingValue?.first { $0.key.scalarValue == key }?.value
    }
}
