/// The `CodingKey` this module puts into `codingPath` for list indices, for the path a
/// subtree was decoded at, and for `superDecoder()`.
///
/// An index key has an `intValue` and the conventional `"Index n"` string, like
/// Foundation's decoders, so code inspecting `codingPath` sees what it is used to.
struct PathKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init(_ component: PathComponent) {
        switch component {
        case .key(let key):
            stringValue = key
            intValue = nil
        case .index(let index):
            stringValue = "Index \(index)"
            intValue = index
        }
    }

    init(stringValue: String) {
        self.init(.key(stringValue))
    }

    init(intValue: Int) {
        self.init(.index(intValue))
    }
}
