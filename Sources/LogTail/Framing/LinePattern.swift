/// A compiled multiline pattern: the small subset of regular expressions people write to
/// recognise the first (or a continuation) line of a log event, matched on bytes.
///
/// No regex engine: the agent must not depend on Foundation, and the patterns users write
/// here are short and shallow. The language:
///
/// - `^` at the start of an alternative anchors it to the start of the line; `$` at its end
///   anchors it to the end. Without `^` the pattern may match anywhere in the line.
/// - literal bytes; `\` followed by punctuation is that character literally; `\t` `\n` `\r`
/// - `.` any byte; `\d` `\D` digits; `\s` `\S` space, tab, CR, LF, VT, FF; `\w` `\W` letters,
///   digits and `_` (ASCII; a non-ASCII character is matched as its UTF-8 bytes)
/// - classes `[abc]`, `[a-z0-9_]`, `[^...]`, with `\d` `\s` `\w` and POSIX classes
///   `[:alpha:] [:digit:] [:alnum:] [:upper:] [:lower:] [:space:] [:blank:] [:punct:]
///   [:xdigit:] [:word:]` inside; `]` first in a class is literal
/// - quantifiers on the single atom before them: `?` `*` `+` `{n}` `{n,}` `{n,m}` (greedy)
/// - alternation at top level only: `^\s+at |^Caused by:`
///
/// Anything else — groups, backreferences, lazy quantifiers, `\b`, nested quantifiers — is
/// refused at compile time with the position (1-based, in characters) of the offending part.
/// Matching backtracks, bounded by `stepLimit` per line, so a pathological pattern costs a
/// bounded amount per line and counts as no match.
public struct LinePattern: Sendable, Hashable, CustomStringConvertible {
    public let source: String
    let alternatives: [PatternAlternative]
    /// Backtracking steps allowed per line and alternative (plus the line's length times the
    /// atom count for an unanchored scan) before giving up and reporting no match.
    public static let stepLimit = 100_000

    public var description: String { source }

    public init(_ source: String) throws(LinePatternError) {
        self.source = source
        var compiler = PatternCompiler(source)
        self.alternatives = try compiler.compile()
    }

    /// Whether the pattern matches `line` (bytes without the newline).
    public func matches(_ line: UnsafeRawBufferPointer) -> Bool {
        let bytes = UnsafeBufferPointer(start: line.baseAddress?.assumingMemoryBound(to: UInt8.self), count: line.count)
        for alternative in alternatives {
            // Scanning an unanchored pattern along a long line is not backtracking: budget it.
            var steps = LinePattern.stepLimit + (alternative.anchoredStart ? 0 : bytes.count * (alternative.atoms.count + 1))
            if alternative.anchoredStart {
                if alternative.match(bytes, atom: 0, position: 0, steps: &steps) { return true }
            } else {
                var start = 0
                while start <= bytes.count {
                    if alternative.match(bytes, atom: 0, position: start, steps: &steps) { return true }
                    if steps <= 0 { break }
                    start += 1
                }
            }
        }
        return false
    }

    public func matches(_ line: some Collection<UInt8>) -> Bool {
        if let result = line.withContiguousStorageIfAvailable({ matches(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        return Array(line).withUnsafeBytes { matches($0) }
    }
}

/// Why a pattern was refused; `position` is 1-based in characters of the source.
public struct LinePatternError: Error, Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    public let position: Int
    public let reason: String

    public var description: String {
        "invalid pattern '\(pattern)' at position \(position): \(reason)"
    }
}


/// One atom with its repetition bounds.
struct PatternAtom: Sendable, Hashable {
    var set: ByteSet
    var min: Int
    var max: Int  // Int.max: unbounded
}

/// A sequence of atoms, optionally anchored at either end.
struct PatternAlternative: Sendable, Hashable {
    var anchoredStart: Bool
    var anchoredEnd: Bool
    var atoms: [PatternAtom]

    func match(_ bytes: UnsafeBufferPointer<UInt8>, atom index: Int, position: Int, steps: inout Int) -> Bool {
        steps -= 1
        if steps <= 0 { return false }
        if index == atoms.count { return !anchoredEnd || position == bytes.count }
        let atom = atoms[index]
        // Take as many as allowed (greedy), then give back one at a time.
        var taken = 0
        while taken < atom.max, position + taken < bytes.count, atom.set.contains(bytes[position + taken]) {
            taken += 1
        }
        if taken < atom.min { return false }
        if atom.min == atom.max || index + 1 == atoms.count && !anchoredEnd {
            return match(bytes, atom: index + 1, position: position + taken, steps: &steps)
        }
        while taken >= atom.min {
            if match(bytes, atom: index + 1, position: position + taken, steps: &steps) { return true }
            if steps <= 0 { return false }
            taken -= 1
        }
        return false
    }
}

/// Parses the pattern language described on `LinePattern`.
struct PatternCompiler {
    let source: String
    let characters: [Character]
    var index = 0

    init(_ source: String) {
        self.source = source
        self.characters = Array(source)
    }

    func fail(_ reason: String, at position: Int? = nil) -> LinePatternError {
        LinePatternError(pattern: source, position: (position ?? index) + 1, reason: reason)
    }

    mutating func compile() throws(LinePatternError) -> [PatternAlternative] {
        if characters.isEmpty { throw fail("empty pattern") }
        var alternatives: [PatternAlternative] = []
        while true {
            alternatives.append(try alternative())
            if index == characters.count { return alternatives }
            index += 1  // the `|`
        }
    }

    mutating func alternative() throws(LinePatternError) -> PatternAlternative {
        let start = index
        var result = PatternAlternative(anchoredStart: false, anchoredEnd: false, atoms: [])
        if index < characters.count, characters[index] == "^" {
            result.anchoredStart = true
            index += 1
        }
        while index < characters.count, characters[index] != "|" {
            let character = characters[index]
            let atomStart = index
            var sets: [ByteSet]
            switch character {
            case "$":
                index += 1
                guard index == characters.count || characters[index] == "|" else {
                    throw fail("'$' is only supported at the end of an alternative", at: atomStart)
                }
                result.anchoredEnd = true
                continue
            case "^":
                throw fail("'^' is only supported at the start of an alternative")
            case "(", ")":
                throw fail("groups '( )' are not supported; use alternation at top level or a class '[...]'")
            case "*", "+", "?", "{":
                throw fail("quantifier '\(character)' has nothing to repeat")
            case "]":
                throw fail("unmatched ']'; write '\\]' for a literal bracket")
            case "[":
                sets = [try bracket()]
            case "\\":
                sets = [try escape(inClass: false)]
            case ".":
                index += 1
                sets = [ByteSet.any]
            default:
                index += 1
                sets = Array(character.utf8).map { byte in ByteSet.of { $0.insert(byte) } }
            }
            var atoms = sets.map { PatternAtom(set: $0, min: 1, max: 1) }
            if let (min, max) = try quantifier() {
                guard sets.count == 1 else {
                    throw fail("a quantifier after the multi-byte character '\(character)' is not supported; use a class or '.'", at: atomStart + 1)
                }
                atoms[0].min = min
                atoms[0].max = max
                if index < characters.count, "*+?{".contains(characters[index]) {
                    throw fail("nested or lazy/possessive quantifier '\(characters[index])' is not supported")
                }
            }
            result.atoms += atoms
        }
        if result.atoms.isEmpty && !result.anchoredStart && !result.anchoredEnd {
            throw fail(index < characters.count ? "empty alternative before '|'" : "empty alternative after '|'", at: Swift.max(start - (index == characters.count ? 1 : 0), 0))
        }
        return result
    }

    mutating func quantifier() throws(LinePatternError) -> (Int, Int)? {
        guard index < characters.count else { return nil }
        switch characters[index] {
        case "?": index += 1; return (0, 1)
        case "*": index += 1; return (0, Int.max)
        case "+": index += 1; return (1, Int.max)
        case "{":
            let open = index
            index += 1
            guard let low = number() else { throw fail("'{' must be followed by a count, as in {4} or {1,3}", at: open) }
            var high = low
            if index < characters.count, characters[index] == "," {
                index += 1
                high = number() ?? Int.max
            }
            guard index < characters.count, characters[index] == "}" else { throw fail("unterminated '{' quantifier", at: open) }
            index += 1
            guard low <= high else { throw fail("quantifier {\(low),\(high)} has its minimum above its maximum", at: open) }
            guard low <= 1000, high == Int.max || high <= 1000 else { throw fail("quantifier counts above 1000 are not supported", at: open) }
            return (low, high)
        default:
            return nil
        }
    }

    mutating func number() -> Int? {
        var value: Int?
        while index < characters.count, let digit = characters[index].wholeNumberValue, characters[index].isASCII {
            value = Swift.min((value ?? 0) * 10 + digit, 1_000_000)
            index += 1
        }
        return value
    }

    // After a `\`: a class shorthand or a literal.
    mutating func escape(inClass: Bool) throws(LinePatternError) -> ByteSet {
        let backslash = index
        index += 1
        guard index < characters.count else { throw fail("pattern ends with a lone '\\'", at: backslash) }
        let character = characters[index]
        index += 1
        switch character {
        case "d": return .digit
        case "D": return ByteSet.digit.inverted()
        case "s": return .space
        case "S": return ByteSet.space.inverted()
        case "w": return .word
        case "W": return ByteSet.word.inverted()
        case "t": return .of { $0.insert(0x09) }
        case "n": return .of { $0.insert(0x0A) }
        case "r": return .of { $0.insert(0x0D) }
        default:
            guard character.isASCII, let byte = character.asciiValue, ByteSet.punct.contains(byte) || byte == 0x20 else {
                throw fail("unsupported escape '\\\(character)'", at: backslash)
            }
            return .of { $0.insert(byte) }
        }
    }

    // `[...]` with ranges, negation, shorthands and POSIX classes.
    mutating func bracket() throws(LinePatternError) -> ByteSet {
        let open = index
        index += 1
        var negated = false
        if index < characters.count, characters[index] == "^" {
            negated = true
            index += 1
        }
        var set = ByteSet()
        var first = true
        while true {
            guard index < characters.count else { throw fail("unterminated class '['", at: open) }
            let character = characters[index]
            if character == "]" && !first {
                index += 1
                break
            }
            first = false
            if character == "[", index + 1 < characters.count, characters[index + 1] == ":" {
                set.formUnion(try posixClass())
                continue
            }
            let itemStart = index
            let low: UInt8
            if character == "\\" {
                let escaped = try escape(inClass: true)
                if let single = Self.single(escaped) {
                    low = single
                } else {
                    set.formUnion(escaped)
                    continue
                }
            } else {
                guard let byte = character.asciiValue else {
                    throw fail("non-ASCII character '\(character)' in a class is not supported", at: itemStart)
                }
                low = byte
                index += 1
            }
            // A range `a-z`, unless the `-` is last (`[a-]`).
            if index + 1 < characters.count, characters[index] == "-", characters[index + 1] != "]" {
                index += 1
                let highStart = index
                var high: UInt8
                if characters[index] == "\\" {
                    guard let single = Self.single(try escape(inClass: true)) else {
                        throw fail("a range cannot end in a class shorthand", at: highStart)
                    }
                    high = single
                } else {
                    guard let byte = characters[index].asciiValue else {
                        throw fail("non-ASCII character '\(characters[index])' in a class is not supported", at: highStart)
                    }
                    high = byte
                    index += 1
                }
                guard low <= high else { throw fail("range out of order", at: itemStart) }
                set.insert(low...high)
            } else {
                set.insert(low)
            }
        }
        return negated ? set.inverted() : set
    }

    mutating func posixClass() throws(LinePatternError) -> ByteSet {
        let open = index
        index += 2
        var name = ""
        while index < characters.count, characters[index] != ":" {
            name.append(characters[index])
            index += 1
        }
        guard index + 1 < characters.count, characters[index + 1] == "]" else {
            throw fail("unterminated POSIX class '[:'", at: open)
        }
        index += 2
        switch name {
        case "alpha": return .alpha
        case "digit": return .digit
        case "alnum": return .alnum
        case "upper": return .upper
        case "lower": return .lower
        case "space": return .space
        case "blank": return .blank
        case "punct": return .punct
        case "xdigit": return .xdigit
        case "word": return .word
        default: throw fail("unknown POSIX class '[:\(name):]'", at: open)
        }
    }

    static func single(_ set: ByteSet) -> UInt8? {
        var found: UInt8?
        for byte in UInt8(0)...255 where set.contains(byte) {
            if found != nil { return nil }
            found = byte
        }
        return found
    }
}
