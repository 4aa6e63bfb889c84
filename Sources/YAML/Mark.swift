/// A position in a YAML document, as people count it: both numbers start at 1.
///
/// libyaml counts from 0; conversion happens once, where events are read, so
/// nothing else in the module has to remember which convention a mark uses.
/// Columns count Unicode scalars, not bytes, matching what editors show.
public struct Mark: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// Where an empty document "is", so that even nothing has a location to report.
    static let start = Mark(line: 1, column: 1)

    public static func < (lhs: Mark, rhs: Mark) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    public var description: String { "\(line):\(column)" }
}
