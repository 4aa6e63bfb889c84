/// Something wrong with a decoded config, found by a component's own validation. The path
/// is relative to the component; the loader turns it into `file:line:column: path: message`.
public struct ConfigProblem: Sendable, Hashable, CustomStringConvertible {
    /// Mapping keys, or `[n]` for list items: `["batch", "max_events"]`, `["include", "[0]"]`.
    public var path: [String]
    public var message: String

    public init(_ message: String, at path: [String] = []) {
        self.message = message
        self.path = path
    }

    public init(_ message: String, at path: String...) {
        self.init(message, at: path)
    }

    public var description: String {
        path.isEmpty ? message : "\(ConfigPath.render(path)): \(message)"
    }
}

/// Config paths: rendered as `pipelines.logs.sources[1]` in messages.
enum ConfigPath {
    static func render(_ path: [String]) -> String {
        var out = ""
        for element in path {
            if element.hasPrefix("[") {
                out += element
            } else {
                out += out.isEmpty ? element : "." + element
            }
        }
        return out
    }
}
