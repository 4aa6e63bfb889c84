/// One step from a node to one of its children, used to name where a value sits
/// (`pipelines.logs.sources[1]`) independently of where its text happens to be.
///
/// Keys and indices are kept apart rather than flattened into strings so that a
/// mapping key that looks like a number (`"1": x`) is never confused with a list index,
/// and so that paths can be compared and hashed exactly when tracking used keys.
enum PathComponent: Hashable, Sendable {
    case key(String)
    case index(Int)
}

extension PathComponent {
    /// For coding paths from elsewhere, where only the key itself says whether it was a
    /// list index: by convention, index keys are the ones with an integer value.
    init(_ key: any CodingKey) {
        self = key.intValue.map(PathComponent.index) ?? .key(key.stringValue)
    }
}

extension [PathComponent] {
    /// The dotted form shown in error messages; empty for the root.
    var dotted: String {
        var text = ""
        for component in self {
            switch component {
            case .key(let key):
                if !text.isEmpty { text += "." }
                text += key
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }
}
