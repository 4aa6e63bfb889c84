/// A file the tailer already knows: where it was, who it was, how far it was read.
public struct TrackedFile: Sendable, Hashable {
    public var path: String
    public var fingerprint: Fingerprint
    public var offset: UInt64

    public init(path: String, fingerprint: Fingerprint, offset: UInt64) {
        self.path = path
        self.fingerprint = fingerprint
        self.offset = offset
    }
}

/// What a rescan found at one path, relative to the tracked files.
public enum FileChange: Sendable, Hashable {
    /// Never seen: read from `start_at`.
    case new
    /// Same file, same path; `grown` when it has bytes past the offset. Keep reading.
    case unchanged(grown: Bool)
    /// Same dev+inode but shorter than the offset (or its first bytes changed and it is shorter
    /// than the offset): truncated in place, copytruncate. Read from 0.
    case truncated(previous: TrackedFile)
    /// Same fingerprint at a new path: renamed (rename+create rotation). Keep the offset.
    case rotated(previous: TrackedFile)
    /// A new inode whose first bytes equal a tracked file that was truncated in this same scan:
    /// the copy made by copytruncate. Resume at the old offset so lines written between the
    /// last read and the truncation are not lost, and earlier ones not repeated.
    case copied(previous: TrackedFile)
    /// A different file at a tracked path (delete+recreate, or the new file after
    /// rename+create). Read from 0; drain the previous file if it is still open.
    case replaced(previous: TrackedFile)
    /// Same dev+inode, different first bytes, not shorter than the offset: the inode was freed
    /// and reused by another file (or the file was rewritten in place). Read from 0 — never
    /// resume at the dead file's offset.
    case inodeReused(previous: TrackedFile)
}

public struct RescanResult: Sendable, Hashable {
    /// One entry per observation, in the order given.
    public var changes: [(observation: FileObservation, change: FileChange)]
    /// Tracked files matched by no observation: deleted, or rotated out of the include globs.
    public var gone: [TrackedFile]

    public static func == (a: RescanResult, b: RescanResult) -> Bool {
        a.gone == b.gone && a.changes.elementsEqual(b.changes) { $0.observation == $1.observation && $0.change == $1.change }
    }
    public func hash(into h: inout Hasher) { h.combine(gone); h.combine(changes.count) }

    public func change(at path: String) -> FileChange? {
        changes.first { $0.observation.path == path }?.change
    }
}

/// Classifies a rescan. Pure: no I/O, so every rotation scheme is testable from values.
///
/// Rules, per observation, first match wins:
/// 1. same dev+inode as a tracked file and the same content (equal checksum over a full
///    fingerprint; for a provisional one, the file did not shrink below what was checksummed):
///    `rotated` if the path differs, else `truncated` if size < offset, else `unchanged`;
/// 2. same dev+inode, different content: `truncated` if size < offset, else `inodeReused`
///    (from `stat` alone a copytruncate whose file has already grown past the old offset and a
///    reused inode look the same; both mean "read from 0", which is the safe answer);
/// 3. new dev+inode with the full checksum of a file truncated in this scan: `copied`;
/// 4. new dev+inode at a tracked path: `replaced`;
/// 5. otherwise `new`.
public enum FileIdentity {
    /// Whether `current` is the file `stored` was taken from (dev+inode compared by the caller).
    /// A provisional `stored` is re-checked against `prefix` (the checksum of the current file's
    /// first `stored.length` bytes) when the observation carries it; without it, a file that grew
    /// is assumed to be the same (as Fluent Bit's inode-only identity does).
    public static func sameContent(
        stored: Fingerprint, current: Fingerprint, prefix: (length: UInt32, checksum: UInt32)? = nil
    ) -> Bool {
        if stored.isStable && current.isStable { return stored.checksum == current.checksum && stored.length == current.length }
        if stored.isStable { return false }  // a full fingerprint's file shrank below `target`
        if current.length == stored.length { return current.checksum == stored.checksum }
        guard current.length > stored.length else { return false }  // shrank: rewritten
        if let prefix, prefix.length == stored.length { return prefix.checksum == stored.checksum }
        return true
    }

    public static func classify(tracked: [TrackedFile], observed: [FileObservation]) -> RescanResult {
        struct DevIno: Hashable { var dev: UInt64; var ino: UInt64 }
        var byInode: [DevIno: Int] = [:]
        var byPath: [String: Int] = [:]
        for (i, t) in tracked.enumerated() {
            byInode[DevIno(dev: t.fingerprint.device, ino: t.fingerprint.inode)] = i
            byPath[t.path] = i
        }
        var matched = Set<Int>()
        var changes: [FileChange?] = Array(repeating: nil, count: observed.count)
        var truncatedThisScan: [Int] = []

        // Pass 1: inode matches.
        for (j, o) in observed.enumerated() {
            guard let i = byInode[DevIno(dev: o.fingerprint.device, ino: o.fingerprint.inode)] else { continue }
            let t = tracked[i]
            matched.insert(i)
            if sameContent(stored: t.fingerprint, current: o.fingerprint, prefix: o.prefix) {
                if o.path != t.path {
                    changes[j] = .rotated(previous: t)
                } else if o.size < t.offset {
                    changes[j] = .truncated(previous: t); truncatedThisScan.append(i)
                } else {
                    changes[j] = .unchanged(grown: o.size > t.offset)
                }
            } else if o.size < t.offset {
                changes[j] = .truncated(previous: t); truncatedThisScan.append(i)
            } else {
                changes[j] = .inodeReused(previous: t)
            }
        }
        // Pass 2: new inodes.
        for (j, o) in observed.enumerated() where changes[j] == nil {
            if o.fingerprint.isStable,
                let i = truncatedThisScan.first(where: {
                    tracked[$0].fingerprint.isStable && tracked[$0].fingerprint.checksum == o.fingerprint.checksum
                })
            {
                changes[j] = .copied(previous: tracked[i])
            } else if let i = byPath[o.path] {
                changes[j] = .replaced(previous: tracked[i])  // the old file stays in `gone`
            } else {
                changes[j] = .new
            }
        }
        let gone = tracked.indices.filter { !matched.contains($0) }.map { tracked[$0] }
        return RescanResult(changes: zip(observed, changes).map { ($0, $1!) }, gone: gone)
    }
}
