/// A /proc or cgroup file that could not be understood. Carries which file and where, so
/// `/status` and the logs can say exactly what was wrong.
public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file's name as the collector knows it (`/proc/stat`, `cpu.stat`).
    public var file: String
    /// 1-based line, when the problem is on one line.
    public var line: Int?
    public var message: String

    public init(file: String, line: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)"
    }
}
