#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the regular files matching `include` and not `exclude`. The tailer calls `scan()` on
/// its rescan interval; each call is a fresh walk (no state), so new files and directories are
/// picked up and vanished ones simply drop out.
///
/// The walk is driven by the include patterns: it starts at each pattern's fixed prefix, steps
/// into literal components with one `stat` (no `readdir`), lists a directory only where a
/// wildcard component or `**` needs it, and never walks the whole file system. Directories
/// reached through `**` are not entered through symlinks (no loops); named or wildcard
/// components follow symlinks, and a symlink to a regular file is reported (as its own path).
public struct PathScanner: Sendable {
    public let include: [GlobPattern]
    public let exclude: [GlobPattern]
    /// Directory entries examined per scan before giving up (`ScanResult.truncated`).
    public let maxEntries: Int

    public struct DirectoryError: Sendable, Hashable, CustomStringConvertible {
        public let path: String
        public let errno: Int32
        public var description: String { "\(path): \(String(cString: strerror(errno))) (errno \(errno))" }
    }

    public struct ScanResult: Sendable, Hashable {
        /// Sorted, without duplicates.
        public var files: [String]
        /// Directories that could not be listed (permission denied, ...); the rest was scanned.
        public var errors: [DirectoryError]
        /// `maxEntries` was reached: `files` is incomplete.
        public var truncated: Bool
        /// Directory entries examined.
        public var entriesExamined: Int
    }

    public init(include: [GlobPattern], exclude: [GlobPattern] = [], maxEntries: Int = 100_000) {
        self.include = include
        self.exclude = exclude
        self.maxEntries = maxEntries
    }

    /// Compiles the config's string lists; the first bad pattern is thrown.
    public init(include: [String], exclude: [String] = [], maxEntries: Int = 100_000) throws(GlobPatternError) {
        var inc: [GlobPattern] = []
        for p in include { inc.append(try GlobPattern(p)) }
        var exc: [GlobPattern] = []
        for p in exclude { exc.append(try GlobPattern(p)) }
        self.init(include: inc, exclude: exc, maxEntries: maxEntries)
    }

    public func scan() -> ScanResult {
        var walk = Walk(maxEntries: maxEntries)
        for pattern in include {
            walk.run(pattern)
        }
        let files = walk.found.filter { path in !exclude.contains { $0.matches(path) } }.sorted()
        return ScanResult(
            files: files, errors: walk.errors, truncated: walk.truncated, entriesExamined: walk.entries)
    }

    private struct Walk {
        let maxEntries: Int
        var entries = 0
        var truncated = false
        var found = Set<String>()
        var errors: [DirectoryError] = []
        var reportedErrors = Set<String>()
        var visited = Set<State>()

        struct State: Hashable { var dir: String; var index: Int }

        init(maxEntries: Int) { self.maxEntries = maxEntries }

        mutating func run(_ pattern: GlobPattern) {
            // Skip the literal prefix without listing anything.
            var dir = ""
            var index = 0
            let comps = pattern.components
            while index < comps.count - 1, case .literal(let bytes) = comps[index] {
                dir += "/" + String(decoding: bytes, as: UTF8.self)
                index += 1
            }
            visited.removeAll(keepingCapacity: true)
            descend(comps, dir, index)
        }

        /// `dir` ("" for the root) has matched components before `index`.
        mutating func descend(_ comps: [GlobPattern.Component], _ dir: String, _ index: Int) {
            guard !truncated, visited.insert(State(dir: dir, index: index)).inserted else { return }
            let comp = comps[index]
            let isLast = index == comps.count - 1
            switch comp {
            case .literal(let bytes):
                let child = dir + "/" + String(decoding: bytes, as: UTF8.self)
                consider(comps, child, index, isLast: isLast)
            case .globstar:
                // Zero directories: the next component applies here.
                descend(comps, dir, index + 1)
                // One or more: every real subdirectory (not symlinks) stays at `**`.
                for (name, type) in list(dir) where type == .directory {
                    descend(comps, dir + "/" + name, index)
                }
            case .pattern:
                for (name, type) in list(dir) {
                    let matched = name.utf8.withContiguousStorageIfAvailable {
                        GlobPattern.matchComponent(comp, $0)
                    } ?? Array(name.utf8).withUnsafeBufferPointer { GlobPattern.matchComponent(comp, $0) }
                    guard matched else { continue }
                    let child = dir + "/" + name
                    if isLast {
                        if type == .regular || type == .symlink || type == .unknown { consider(comps, child, index, isLast: true) }
                    } else if type != .regular {
                        consider(comps, child, index, isLast: false)
                    }
                }
            }
        }

        /// `path` matched component `index`: a file if it is the last one, else a directory to enter.
        mutating func consider(_ comps: [GlobPattern.Component], _ path: String, _ index: Int, isLast: Bool) {
            var st = stat()
            guard stat(path, &st) == 0 else { return }  // vanished, dangling symlink: not a file
            let kind = st.st_mode & S_IFMT
            if isLast {
                if kind == S_IFREG { found.insert(path) }
            } else if kind == S_IFDIR {
                descend(comps, path, index + 1)
            }
        }

        enum EntryType { case regular, directory, symlink, unknown, other }

        /// Lists a directory (without "." and ".."), counting entries against the cap.
        mutating func list(_ dir: String) -> [(String, EntryType)] {
            let path = dir.isEmpty ? "/" : dir
            guard let handle = opendir(path) else {
                let e = errno
                if e != ENOENT, e != ENOTDIR, reportedErrors.insert(path).inserted {
                    errors.append(DirectoryError(path: path, errno: e))
                }
                return []
            }
            defer { closedir(handle) }
            var out: [(String, EntryType)] = []
            while let entry = readdir(handle) {
                let name = withUnsafePointer(to: entry.pointee.d_name) {
                    $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
                }
                if name == "." || name == ".." { continue }
                entries += 1
                if entries > maxEntries { truncated = true; break }
                let type: EntryType
                switch Int32(entry.pointee.d_type) {
                case Int32(DT_REG): type = .regular
                case Int32(DT_DIR): type = .directory
                case Int32(DT_LNK): type = .symlink
                case Int32(DT_UNKNOWN): type = Self.lstatType(path + (path == "/" ? "" : "/") + name)
                default: type = .other
                }
                out.append((name, type))
            }
            return out
        }

        static func lstatType(_ path: String) -> EntryType {
            var st = stat()
            guard lstat(path, &st) == 0 else { return .other }
            switch st.st_mode & S_IFMT {
            case S_IFREG: return .regular
            case S_IFDIR: return .directory
            case S_IFLNK: return .symlink
            default: return .other
            }
        }
    }
}
