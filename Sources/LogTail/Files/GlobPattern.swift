/// A compiled `include` / `exclude` glob of the `file_logs` source, matched against path bytes.
///
/// Syntax (per path component, components separated by `/`):
/// - `*` any run of bytes not containing `/`; `?` exactly one byte other than `/`;
/// - `[abc]`, `[a-z0-9]`, negated `[!a-z]` or `[^a-z]`; a `]` right after `[` / `[!` is a member;
/// - `\x` the literal byte `x`;
/// - `**` as a whole component: zero or more directories (`/var/log/**/*.log` matches
///   `/var/log/a.log` and `/var/log/x/y/a.log`). `**` inside a component (`a**b`) is refused.
///
/// Patterns must be absolute (the scanner walks from their fixed prefix). Bytes are compared
/// as-is: no case folding, no Unicode normalisation. A leading `.` is not special.
public struct GlobPattern: Sendable, Hashable, CustomStringConvertible {
    public let source: String
    let components: [Component]

    enum Token: Sendable, Hashable {
        case byte(UInt8)
        case any            // ?
        case star           // *
        case set(ByteSet)
    }

    enum Component: Sendable, Hashable {
        case literal([UInt8])
        case pattern([Token])
        case globstar
    }

    public var description: String { source }

    public init(_ source: String) throws(GlobPatternError) {
        self.source = source
        let bytes = Array(source.utf8)
        guard !bytes.isEmpty else { throw GlobPatternError(pattern: source, offset: 0, reason: "empty pattern") }
        guard bytes[0] == UInt8(ascii: "/") else {
            throw GlobPatternError(pattern: source, offset: 0, reason: "pattern must be an absolute path (start with '/')")
        }
        var components: [Component] = []
        var start = 1
        while start <= bytes.count {
            var end = start
            // Find the end of the component, skipping escaped bytes and '/' never appears in classes.
            while end < bytes.count, bytes[end] != UInt8(ascii: "/") {
                if bytes[end] == UInt8(ascii: "\\") { end += 1 }
                end += 1
            }
            end = min(end, bytes.count)
            if end > start {  // empty components ("//", trailing "/") are skipped
                components.append(try Self.compileComponent(bytes, start, end, source))
            }
            start = end + 1
        }
        guard !components.isEmpty else {
            throw GlobPatternError(pattern: source, offset: 0, reason: "pattern matches no file (only '/')")
        }
        if case .globstar = components.last! {
            throw GlobPatternError(
                pattern: source, offset: bytes.count - 2,
                reason: "pattern must not end in '**' (add a file part, e.g. '**/*.log')")
        }
        self.components = components
    }

    private static func compileComponent(
        _ b: [UInt8], _ start: Int, _ end: Int, _ source: String
    ) throws(GlobPatternError) -> Component {
        if end - start == 2, b[start] == UInt8(ascii: "*"), b[start + 1] == UInt8(ascii: "*") { return .globstar }
        var tokens: [Token] = []
        var i = start
        var literal = true
        while i < end {
            let c = b[i]
            switch c {
            case UInt8(ascii: "\\"):
                guard i + 1 < end else {
                    throw GlobPatternError(pattern: source, offset: i, reason: "trailing '\\' escapes nothing")
                }
                tokens.append(.byte(b[i + 1]))
                i += 2
            case UInt8(ascii: "*"):
                if i + 1 < end, b[i + 1] == UInt8(ascii: "*") {
                    throw GlobPatternError(
                        pattern: source, offset: i, reason: "'**' must be a whole path component (like '/a/**/b')")
                }
                tokens.append(.star); literal = false; i += 1
            case UInt8(ascii: "?"):
                tokens.append(.any); literal = false; i += 1
            case UInt8(ascii: "["):
                let (set, next) = try ByteClass.parse(b, i, end, source)
                tokens.append(.set(set)); literal = false; i = next
            case UInt8(ascii: "]"):
                throw GlobPatternError(pattern: source, offset: i, reason: "']' without a matching '['")
            default:
                tokens.append(.byte(c)); i += 1
            }
        }
        if literal {
            return .literal(tokens.map { if case .byte(let x) = $0 { x } else { 0 } })
        }
        return .pattern(tokens)
    }

    /// The leading components without wildcards, as an absolute directory path (at least "/").
    /// The scanner starts there instead of walking the file system.
    public var fixedPrefix: String {
        var out: [UInt8] = []
        for component in components.dropLast() {
            guard case .literal(let bytes) = component else { break }
            out.append(UInt8(ascii: "/")); out.append(contentsOf: bytes)
        }
        return out.isEmpty ? "/" : String(decoding: out, as: UTF8.self)
    }

    public func matches(_ path: String) -> Bool {
        var path = path
        return path.withUTF8 { matches(bytes: $0) }
    }

    /// Matches an absolute path given as bytes; repeated or trailing `/` are ignored.
    public func matches(bytes path: UnsafeBufferPointer<UInt8>) -> Bool {
        var parts: [Range<Int>] = []
        var i = 0
        while i < path.count {
            while i < path.count, path[i] == UInt8(ascii: "/") { i += 1 }
            let s = i
            while i < path.count, path[i] != UInt8(ascii: "/") { i += 1 }
            if i > s { parts.append(s..<i) }
        }
        guard path.first == UInt8(ascii: "/") else { return false }
        return Self.match(components[...], parts[...], path)
    }

    private static func match(
        _ comps: ArraySlice<Component>, _ parts: ArraySlice<Range<Int>>, _ path: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        var comps = comps
        var parts = parts
        while let comp = comps.first {
            if case .globstar = comp {
                let rest = comps.dropFirst()
                // Zero or more directories; the last part is the file, never swallowed by `**`.
                var p = parts
                while true {
                    if match(rest, p, path) { return true }
                    if p.count <= 1 { return false }
                    p = p.dropFirst()
                }
            }
            guard let part = parts.first else { return false }
            guard matchComponent(comp, UnsafeBufferPointer(rebasing: path[part])) else { return false }
            comps = comps.dropFirst()
            parts = parts.dropFirst()
        }
        return parts.isEmpty
    }

    /// Whether one directory or file name matches component `index` (used by the scanner).
    static func matchComponent(_ comp: Component, _ name: UnsafeBufferPointer<UInt8>) -> Bool {
        switch comp {
        case .globstar: return true
        case .literal(let bytes): return bytes.elementsEqual(name)
        case .pattern(let tokens): return matchTokens(tokens, name)
        }
    }

    /// Classic single-star backtracking: linear in practice, no recursion.
    private static func matchTokens(_ tokens: [Token], _ name: UnsafeBufferPointer<UInt8>) -> Bool {
        var t = 0, n = 0
        var starT = -1, starN = 0
        while n < name.count {
            if t < tokens.count {
                switch tokens[t] {
                case .star:
                    starT = t; starN = n; t += 1; continue
                case .any:
                    t += 1; n += 1; continue
                case .byte(let b) where b == name[n]:
                    t += 1; n += 1; continue
                case .set(let set) where set.contains(name[n]):
                    t += 1; n += 1; continue
                default: break
                }
            }
            guard starT >= 0 else { return false }
            t = starT + 1; starN += 1; n = starN
        }
        while t < tokens.count, case .star = tokens[t] { t += 1 }
        return t == tokens.count
    }
}

/// Bracket expressions (`[a-z]`, `[!.]`) of glob patterns.
enum ByteClass {
    /// Parses `[...]` starting at `b[start] == '['`; returns the class and the index after `]`.
    static func parse(
        _ b: [UInt8], _ start: Int, _ end: Int, _ source: String
    ) throws(GlobPatternError) -> (ByteSet, Int) {
        var i = start + 1
        var negated = false
        if i < end, b[i] == UInt8(ascii: "!") || b[i] == UInt8(ascii: "^") { negated = true; i += 1 }
        var set = ByteSet()
        var first = true
        var closed = false
        while i < end {
            var c = b[i]
            if c == UInt8(ascii: "]"), !first { closed = true; i += 1; break }
            first = false
            if c == UInt8(ascii: "\\") {
                guard i + 1 < end else { break }
                i += 1; c = b[i]
            }
            i += 1
            if i + 1 < end, b[i] == UInt8(ascii: "-"), b[i + 1] != UInt8(ascii: "]") {
                var hi = b[i + 1]
                i += 2
                if hi == UInt8(ascii: "\\") {
                    guard i < end else { break }
                    hi = b[i]; i += 1
                }
                guard c <= hi else {
                    throw GlobPatternError(
                        pattern: source, offset: start,
                        reason: "bad range '\(Character(Unicode.Scalar(c)))-\(Character(Unicode.Scalar(hi)))' in character class (start after end)")
                }
                for x in c...hi { set.insert(x) }
            } else {
                set.insert(c)
            }
        }
        guard closed else {
            throw GlobPatternError(pattern: source, offset: start, reason: "unclosed '[' (character class has no ']')")
        }
        if negated { set = set.inverted() }
        // A class never matches the separator.
        set.remove(UInt8(ascii: "/"))
        return (set, i)
    }
}

public struct GlobPatternError: Error, Sendable, Equatable, CustomStringConvertible {
    public let pattern: String
    /// Byte offset into `pattern` where the problem is.
    public let offset: Int
    public let reason: String

    public var description: String { "invalid glob '\(pattern)' at byte \(offset): \(reason)" }
}
