/// State shared by every decoder and container of one `YAMLDecoder.decode` call.
///
/// Decoders and containers are value types that get copied freely, so what must
/// outlive them (which keys were asked for, where a non-`DecodingError` came from)
/// lives in this one reference. It is confined to the synchronous decode call and
/// never shared across threads.
final class DecodingSession {
    let file: String
    let userInfo: [CodingUserInfoKey: Any]

    /// Per mapping (by path, since an alias can put equal nodes at several paths).
    private(set) var keyUsage: [[PathComponent]: KeyUsage] = [:]
    /// Subtrees taken whole (decoded as `Node`), whose keys are the caller's business.
    private(set) var consumedSubtrees: Set<[PathComponent]> = []
    /// The innermost path an error other than `DecodingError` was seen leaving; such
    /// errors carry no coding path, and this is the best location available for them.
    private(set) var failurePath: [PathComponent]?

    init(file: String, userInfo: [CodingUserInfoKey: Any]) {
        self.file = file
        self.userInfo = userInfo
    }

    func openedMapping(at path: [PathComponent]) {
        if keyUsage[path] == nil {
            keyUsage[path] = KeyUsage()
        }
    }

    func requested(_ key: String, at path: [PathComponent]) {
        keyUsage[path, default: KeyUsage()].requested.insert(key)
    }

    func acceptedAllKeys(at path: [PathComponent]) {
        keyUsage[path, default: KeyUsage()].acceptsAll = true
    }

    func consumedSubtree(at path: [PathComponent]) {
        consumedSubtrees.insert(path)
    }

    func failed(at path: [PathComponent]) {
        if failurePath == nil {
            failurePath = path
        }
    }

    /// A value decoded fine after an earlier failure: that failure was caught and
    /// handled by the type being decoded, so its location must not be blamed later.
    func succeeded() {
        failurePath = nil
    }
}
