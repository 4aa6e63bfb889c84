/// Everything that can go wrong between the bytes of a file and a decoded value.
///
/// One error type for syntax, structure, substitution and decoding problems, because
/// the person reading it only needs to know where (file, line:column, path) and what.
/// The path is kept alongside the mark since an aliased or merged value is *defined*
/// in one place and *used* in another: the mark says where to edit, the path says which
/// setting is affected.
public struct YAMLError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var mark: Mark?
    /// Dotted path such as `exporters.otlp.timeout` or `pipelines.logs.sources[1]`; empty at the root.
    public var path: String
    public var message: String

    public init(file: String, mark: Mark?, path: String, message: String) {
        self.file = file
        self.mark = mark
        self.path = path
        self.message = message
    }

    /// `outrider.yaml:12:5: exporters.otlp.timeout: expected a duration like "5s", got "fast"`:
    /// the `file:line:column:` prefix is what editors and terminals turn into a link.
    public var description: String {
        var location = file
        if let mark {
            location += location.isEmpty ? mark.description : ":\(mark)"
        }
        var text = location.isEmpty ? "" : location + ": "
        if !path.isEmpty {
            text += path + ": "
        }
        return text + message
    }
}

/// Several `YAMLError`s found in one pass, in document order (never empty).
public struct YAMLErrors: Error, Sendable, Hashable, CustomStringConvertible {
    public var errors: [YAMLError]

    public init(errors: [YAMLError]) {
        self.errors = errors
    }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
