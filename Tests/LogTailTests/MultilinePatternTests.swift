import Testing
@testable import LogTail

@Suite("LinePattern: the multiline pattern language")
struct MultilinePatternTests {
    /// (pattern, lines it must match, lines it must not match)
    static let accepted: [(String, [String], [String])] = [
        (#"^\d{4}-\d{2}-\d{2}"#, ["2026-11-22 10:00:00 INFO x", "2026-11-22"], ["26-11-22", " 2026-11-22", "2026/11/22", ""]),
        ("^[[:space:]]", [" at x", "\tat y"], ["at", ""]),
        (#"^\s+at "#, ["\tat com.example.A.b(A.java:1)", "    at x"], ["at x", "\t\tat", "  atx"]),
        ("^Caused by:", ["Caused by: java.io.IOException"], ["caused by:", " Caused by:"]),
        (#"^\s"#, [" x", "\t"], ["x", ""]),
        ("^Traceback", ["Traceback (most recent call last):"], ["  Traceback"]),
        ("^[A-Z]", ["INFO x", "Z"], ["info", "1", " A", ""]),
        (#"^\s+at |^Caused by:|^\s+\.\.\. \d+ more"#, ["\tat a", "Caused by: b", "\t... 2 more"], ["2026-11-22 x", "\t...2 more"]),
        ("ERROR|WARN", ["x ERROR y", "WARN", "a WARNING"], ["error", "WAR N"]),
        ("^[^ ]+ [0-9a-fA-F]{8}$", ["abc 0123abCD"], ["abc 0123abCDE", "abc 0123abC", " abc 0123abCD"]),
        (#"^[a-zA-Z.]+Exception"#, ["java.lang.IllegalStateException: x"], ["Exception", "java.lang.Error"]),
        ("^a?b*c+d{2,}e{1,2}f", ["cddef", "abbcccdddeef"], ["bcdef", "abddef", "acddeeef"]),
        (#"^\[\d+\]\.x\\"#, ["[12].x\\"], ["[].x\\", "[1]ax\\"]),
        ("^[]a-]+$", ["]a-]", "-"], ["b", ""]),
        ("^[\\d_]+\\w\\S\\W\\D", ["12_3a!b", "12_3a b"], ["12_3ab"]),
        ("^[[:upper:][:digit:]]{2} [[:alpha:]][[:alnum:]][[:punct:]][[:xdigit:]][[:lower:]][[:blank:]][[:word:]]", ["A1 bC!fz\t_"], ["a1 bC!fz\t_", "A1 bC!gz\t_"]),
        ("^héllo", ["héllo x"], ["hello"]),
        ("^.*x$", ["x", "abcx"], ["xa"]),
        ("^$", [""], [" "]),
        ("^", ["", "anything"], []),
    ]

    @Test("accepted patterns match what they should", arguments: accepted.indices)
    func accepts(_ index: Int) throws {
        let (source, matching, nonMatching) = Self.accepted[index]
        let pattern = try LinePattern(source)
        for line in matching { #expect(pattern.matches(Array(line.utf8)), "\(source) should match \(line.debugDescription)") }
        for line in nonMatching { #expect(!pattern.matches(Array(line.utf8)), "\(source) should not match \(line.debugDescription)") }
    }

    /// (pattern, 1-based position reported, words the message must contain)
    static let refused: [(String, Int, String)] = [
        ("", 1, "empty pattern"),
        ("^(ERROR|WARN)", 2, "groups"),
        ("a**", 3, "nested or lazy"),
        ("a+?", 3, "nested or lazy"),
        ("*a", 1, "nothing to repeat"),
        ("^+", 2, "nothing to repeat"),
        ("a|", 2, "empty alternative"),
        ("|a", 1, "empty alternative"),
        ("a{", 2, "must be followed by a count"),
        ("a{2", 2, "unterminated '{'"),
        ("a{3,1}", 2, "minimum above its maximum"),
        ("a{5000}", 2, "above 1000"),
        ("[abc", 1, "unterminated class"),
        ("a]", 2, "unmatched ']'"),
        ("[z-a]", 2, "range out of order"),
        ("[[:nope:]]", 2, "unknown POSIX class"),
        (#"\b"#, 1, "unsupported escape"),
        (#"\1"#, 1, "unsupported escape"),
        ("a\\", 2, "lone '\\'"),
        ("a$b", 2, "'$' is only supported"),
        ("a^b", 2, "'^' is only supported"),
        ("é+", 2, "multi-byte character"),
        ("[é]", 2, "non-ASCII"),
        (#"[a-\d]"#, 4, "cannot end in a class shorthand"),
    ]

    @Test("patterns outside the subset are refused with their position", arguments: refused.indices)
    func refuses(_ index: Int) {
        let (source, position, words) = Self.refused[index]
        #expect {
            _ = try LinePattern(source)
        } throws: { error in
            guard let error = error as? LinePatternError else { return false }
            #expect(error.position == position, "\(source): \(error)")
            #expect(error.description.contains(words), "\(source): \(error)")
            #expect(error.description.contains("position \(position)"))
            return true
        }
    }

    @Test("pathological backtracking is bounded and long lines still scan")
    func bounded() throws {
        let pattern = try LinePattern(#"\s*\s*\s*\s*\s*\s*x"#)
        let spaces = [UInt8](repeating: 0x20, count: 2000)
        #expect(!pattern.matches(spaces))
        let literal = try LinePattern("needle")
        #expect(literal.matches([UInt8](repeating: 0x61, count: 1_000_000) + Array("needle".utf8)))
    }
}
