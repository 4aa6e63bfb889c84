/// Assembles parser events into a single resolved `Node` tree.
///
/// Everything that needs the whole picture of the document is done here, while the
/// events stream past: aliases are expanded (with a budget, so a few hundred bytes of
/// nested aliases cannot turn into gigabytes), duplicate keys are rejected where they
/// occur, and merge keys are folded into their mappings. After this, a `Node` is just
/// data.
struct TreeBuilder {
    /// Far above any real configuration, far below what would exhaust memory.
    static let defaultAliasBudget = 100_000

    private let file: String
    private let aliasBudget: Int
    private var stack: [Frame] = []
    private var anchors: [String: Subtree] = [:]
    private var expandedNodes = 0
    private var documentStarted = false
    private var root: Node?
    private(set) var isFinished = false

    init(file: String, aliasBudget: Int = defaultAliasBudget) {
        self.file = file
        self.aliasBudget = aliasBudget
    }

    /// The document, once `isFinished`; an empty document is a null scalar at 1:1 so that
    /// callers always have a node (and a mark) to report against.
    var document: Node {
        root ?? Node(kind: .scalar("", .plain), mark: .start)
    }

    /// A finished node together with how many nodes it contains, which is what an alias
    /// to it costs.
    private struct Subtree {
        var node: Node
        var size: Int
    }

    /// A list or mapping whose end event has not arrived yet.
    ///
    /// Items and pairs are stored arrays rather than payloads of an enum, because an
    /// enum payload cannot be appended to in place: each item would copy the array.
    fileprivate struct Frame {
        enum Kind { case sequence, mapping }

        let kind: Kind
        let tag: String?
        let anchor: String?
        let mark: Mark
        let path: [PathComponent]
        var items: [Node] = []
        var pairs: [Node.Pair] = []
        /// A mapping key waiting for its value.
        var pendingKey: Node?
        /// Where each scalar key first appeared, so a duplicate can point back at it.
        var firstSeen: [String: Mark] = [:]
        var size = 1
    }

    mutating func handle(_ event: ParserEvent) throws(YAMLError) {
        switch event {
        case .streamStart, .documentEnd:
            break
        case .streamEnd:
            isFinished = true
        case .documentStart(let mark):
            // Silently using only the first document would hide half of what the author wrote.
            guard !documentStarted else {
                throw error(at: mark, path: [], "multiple YAML documents in one file are not supported")
            }
            documentStarted = true
        case .alias(let anchor, let mark):
            try expandAlias(anchor, at: mark)
        case .scalar(let text, let style, let tag, let anchor, let mark):
            try attach(Subtree(node: Node(kind: .scalar(text, style), mark: mark, tag: tag), size: 1), anchor: anchor)
        case .sequenceStart(let tag, let anchor, let mark):
            stack.append(Frame(kind: .sequence, tag: tag, anchor: anchor, mark: mark, path: childPath))
        case .mappingStart(let tag, let anchor, let mark):
            stack.append(Frame(kind: .mapping, tag: tag, anchor: anchor, mark: mark, path: childPath))
        case .sequenceEnd, .mappingEnd:
            try closeCollection()
        }
    }

    private mutating func expandAlias(_ anchor: String, at mark: Mark) throws(YAMLError) {
        // An anchor is registered only when its node is complete, so an alias inside its
        // own anchor's node is "undefined" too: recursive documents cannot be built.
        guard var subtree = anchors[anchor] else {
            throw error(at: mark, path: childPath, "undefined alias \"\(anchor)\"")
        }
        expandedNodes += subtree.size
        guard expandedNodes <= aliasBudget else {
            throw error(at: mark, path: childPath, "document expands to too many nodes (alias bomb?)")
        }
        // The copy is reported where it is used; its contents keep the marks where they are written.
        subtree.node.mark = mark
        try attach(subtree, anchor: nil)
    }

    private mutating func closeCollection() throws(YAMLError) {
        let frame = stack.removeLast()
        let kind: Node.Kind = switch frame.kind {
        case .sequence: .sequence(frame.items)
        case .mapping: .mapping(try MergeKey.resolve(frame.pairs, file: file, path: frame.path))
        }
        try attach(Subtree(node: Node(kind: kind, mark: frame.mark, tag: frame.tag), size: frame.size),
                   anchor: frame.anchor)
    }

    private mutating func attach(_ subtree: Subtree, anchor: String?) throws(YAMLError) {
        if let anchor {
            anchors[anchor] = subtree
        }
        // Popping moves the frame out of the stack, so its arrays are uniquely referenced
        // and the appends below happen in place.
        guard var frame = stack.popLast() else {
            root = subtree.node
            return
        }
        frame.size += subtree.size
        switch frame.kind {
        case .sequence:
            frame.items.append(subtree.node)
        case .mapping:
            if let key = frame.pendingKey {
                frame.pairs.append(Node.Pair(key: key, value: subtree.node))
                frame.pendingKey = nil
            } else {
                try frame.acceptKey(subtree.node, file: file)
            }
        }
        stack.append(frame)
    }

    /// The path of the node about to be attached to the innermost open collection.
    private var childPath: [PathComponent] {
        guard let frame = stack.last else { return [] }
        switch frame.kind {
        case .sequence:
            return frame.path + [.index(frame.items.count)]
        case .mapping:
            // A key's own path is its mapping's; complex (non-scalar) keys have no name to show.
            return frame.pendingKey.map { frame.path + [.key($0.scalarValue ?? "?")] } ?? frame.path
        }
    }

    private func error(at mark: Mark, path: [PathComponent], _ message: String) -> YAMLError {
        YAMLError(file: file, mark: mark, path: path.dotted, message: message)
    }
}

extension TreeBuilder.Frame {
    /// Duplicate keys are rejected rather than "last one wins": in a config file a second
    /// `endpoint:` is nearly always a paste mistake, and silently picking one hides it.
    mutating func acceptKey(_ key: Node, file: String) throws(YAMLError) {
        if let name = key.scalarValue {
            if let first = firstSeen[name] {
                throw YAMLError(file: file, mark: key.mark, path: (path + [.key(name)]).dotted,
                                message: "duplicate key \(quoted(name)) (first at \(first))")
            }
            firstSeen[name] = key.mark
        }
        pendingKey = key
    }
}
