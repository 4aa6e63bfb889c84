#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Telemetry

/// Per-fingerprint read offsets of one `file_logs` source, persisted under `checkpoint_dir`.
///
/// On-disk format (`checkpoints.v1` in the root directory), all integers little-endian:
///
///     header   magic "ORCP" (4) | version u16 = 1 | fingerprint target u16 |
///              savedAt i64 (ns since Unix epoch) | count u32
///     entry    device u64 | inode u64 | checksum u32 | length u32 | offset u64 |
///              lastSeen i64 (ns since Unix epoch) | pathLength u32 | path bytes
///     trailer  CRC-32C u32 of every byte before it
///
/// `save` writes `checkpoints.v1.tmp`, fsyncs it, renames it over `checkpoints.v1` and fsyncs
/// the directory, so a crash leaves either the old or the new file, never a torn one; a
/// leftover `.tmp` is ignored (and overwritten by the next save). A missing file is a first
/// start; a corrupt or unknown-version file is reported by `load` and ignored (the source then
/// reads from `start_at`) — never fatal.
public struct CheckpointStore: Sendable {
    public struct Entry: Sendable, Hashable {
        public var offset: UInt64
        public var path: String
        public var lastSeen: Timestamp

        public init(offset: UInt64, path: String, lastSeen: Timestamp) {
            self.offset = offset
            self.path = path
            self.lastSeen = lastSeen
        }
    }

    public enum LoadOutcome: Sendable, Equatable {
        /// No checkpoint file: first start.
        case missing
        case loaded(entries: Int)
        /// The file exists but cannot be trusted; nothing was loaded. Report it and carry on.
        case corrupt(reason: String)
    }

    public static let fileName = "checkpoints.v1"
    public static let temporaryFileName = fileName + ".tmp"  // AtomicFile's temporary
    static let magic: [UInt8] = Array("ORCP".utf8)
    static let version: UInt16 = 1
    /// Refuse absurd sizes before allocating (a corrupt count or path length).
    static let maxFileBytes = 64 << 20

    public let directory: String
    public private(set) var entries: [Fingerprint: Entry] = [:]
    /// When the loaded file was written (`save(now:)`), nil before a successful `load`.
    public private(set) var savedAt: Timestamp?

    /// `directory` must exist (created by the source at start: `checkpoint_dir/<source name>`).
    public init(directory: String) {
        self.directory = directory
    }

    public var filePath: String { directory + "/" + Self.fileName }

    // MARK: In memory

    public subscript(fingerprint: Fingerprint) -> Entry? {
        get { entries[fingerprint] }
        set { entries[fingerprint] = newValue }
    }

    public mutating func update(_ fingerprint: Fingerprint, path: String, offset: UInt64, now: Timestamp) {
        entries[fingerprint] = Entry(offset: offset, path: path, lastSeen: now)
    }

    /// The file was seen by a rescan (keeps it from being pruned).
    public mutating func touch(_ fingerprint: Fingerprint, path: String, now: Timestamp) {
        guard var e = entries[fingerprint] else { return }
        e.path = path
        e.lastSeen = now
        entries[fingerprint] = e
    }

    /// A provisional fingerprint became stable (the file grew past `target` bytes).
    public mutating func rekey(from old: Fingerprint, to new: Fingerprint) {
        guard old != new, let e = entries.removeValue(forKey: old) else { return }
        entries[new] = e
    }

    public mutating func remove(_ fingerprint: Fingerprint) {
        entries.removeValue(forKey: fingerprint)
    }

    /// Drops entries whose file has not been seen for longer than `retention`; returns them.
    @discardableResult
    public mutating func prune(olderThan retention: Duration, now: Timestamp) -> [Fingerprint: Entry] {
        let (seconds, attoseconds) = retention.components
        let retentionNanos = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let cutoff: Int64 =
            retentionNanos.overflow
            ? Int64.min
            : now.nanosecondsSinceEpoch &- (retentionNanos.partialValue &+ attoseconds / 1_000_000_000)
        var removed: [Fingerprint: Entry] = [:]
        for (fp, e) in entries where e.lastSeen.nanosecondsSinceEpoch < cutoff {
            removed[fp] = e
        }
        for fp in removed.keys { entries.removeValue(forKey: fp) }
        return removed
    }

    // MARK: Encoding

    public func encoded(savedAt: Timestamp) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(16 + entries.count * 64)
        out += Self.magic
        append(&out, Self.version)
        let target = entries.keys.first.map { UInt16(clamping: $0.target) } ?? 0
        append(&out, target)
        append(&out, UInt64(bitPattern: savedAt.nanosecondsSinceEpoch))
        append(&out, UInt32(entries.count))
        // Sorted so the same state always encodes to the same bytes.
        let sorted = entries.sorted { ($0.key.device, $0.key.inode, $0.key.checksum) < ($1.key.device, $1.key.inode, $1.key.checksum) }
        for (fp, e) in sorted {
            append(&out, fp.device)
            append(&out, fp.inode)
            append(&out, fp.checksum)
            append(&out, fp.length)
            append(&out, e.offset)
            append(&out, UInt64(bitPattern: e.lastSeen.nanosecondsSinceEpoch))
            let path = Array(e.path.utf8)
            append(&out, UInt32(path.count))
            out += path
        }
        append(&out, CRC32C.checksum(out))
        return out
    }

    /// Parses a checkpoint file; `target` of the fingerprints comes from the header.
    public static func decode(_ bytes: [UInt8]) -> Result<(savedAt: Timestamp, entries: [Fingerprint: Entry]), CheckpointFormatError> {
        var r = Reader(bytes: bytes)
        guard bytes.count >= 24 else { return .failure(.init("truncated: \(bytes.count) bytes, shorter than header + trailer")) }
        guard Array(bytes[0..<4]) == magic else { return .failure(.init("bad magic (not an outrider checkpoint file)")) }
        let body = bytes[0..<(bytes.count - 4)]
        let stored = UInt32(bytes[bytes.count - 4]) | UInt32(bytes[bytes.count - 3]) << 8
            | UInt32(bytes[bytes.count - 2]) << 16 | UInt32(bytes[bytes.count - 1]) << 24
        let actual = body.withUnsafeBytes { CRC32C.checksum($0) }
        guard stored == actual else {
            return .failure(.init("checksum mismatch (stored \(String(stored, radix: 16)), computed \(String(actual, radix: 16)))"))
        }
        r.position = 4
        let version: UInt16 = r.read()!
        guard version == Self.version else { return .failure(.init("unsupported version \(version) (this build reads \(Self.version))")) }
        let target: UInt16 = r.read()!
        let savedAt: UInt64 = r.read()!
        let count: UInt32 = r.read()!
        var entries: [Fingerprint: Entry] = [:]
        let end = bytes.count - 4
        for n in 0..<count {
            guard let dev: UInt64 = r.read(), let ino: UInt64 = r.read(), let crc: UInt32 = r.read(),
                let length: UInt32 = r.read(), let offset: UInt64 = r.read(), let seen: UInt64 = r.read(),
                let pathLength: UInt32 = r.read(), r.position + Int(pathLength) <= end
            else { return .failure(.init("entry \(n) of \(count) runs past the end")) }
            let path = String(decoding: bytes[r.position..<(r.position + Int(pathLength))], as: UTF8.self)
            r.position += Int(pathLength)
            let fp = Fingerprint(device: dev, inode: ino, checksum: crc, length: length, target: UInt32(target))
            entries[fp] = Entry(offset: offset, path: path, lastSeen: Timestamp(nanosecondsSinceEpoch: Int64(bitPattern: seen)))
        }
        guard r.position == end else { return .failure(.init("\(end - r.position) trailing bytes after \(count) entries")) }
        return .success((Timestamp(nanosecondsSinceEpoch: Int64(bitPattern: savedAt)), entries))
    }

    // MARK: Disk

    /// Replaces the in-memory map with the checkpoint file's contents. Never throws: a missing
    /// file is `.missing`, an unreadable or corrupt one `.corrupt` (the map is left empty).
    @discardableResult
    public mutating func load() -> LoadOutcome {
        entries = [:]
        savedAt = nil
        let bytes: [UInt8]
        do {
            // One byte past the cap tells "too large" from "exactly at the cap".
            bytes = try FileBytes.contents(of: filePath, limit: Self.maxFileBytes + 1)
        } catch {
            return error.errno == ENOENT ? .missing : .corrupt(reason: "\(filePath): \(error.reason) (errno \(error.errno))")
        }
        if bytes.count > Self.maxFileBytes { return .corrupt(reason: "\(filePath): larger than \(Self.maxFileBytes) bytes") }
        switch Self.decode(bytes) {
        case .success(let loaded):
            entries = loaded.entries
            savedAt = loaded.savedAt
            return .loaded(entries: loaded.entries.count)
        case .failure(let error):
            return .corrupt(reason: "\(filePath): \(error.reason)")
        }
    }

    /// Writes the map atomically: temp file, fsync, rename, directory fsync. `now` is recorded
    /// in the header (diagnostics). Prunes nothing: call `prune` first.
    public func save(now: Timestamp) throws(CheckpointSaveError) {
        try AtomicFile.replace(filePath, with: encoded(savedAt: now), mode: 0o600)
    }

    private func append<T: FixedWidthInteger>(_ out: inout [UInt8], _ value: T) {
        withUnsafeBytes(of: value.littleEndian) { out += $0 }
    }

    struct Reader {
        let bytes: [UInt8]
        var position = 0
        mutating func read<T: FixedWidthInteger>() -> T? {
            let size = MemoryLayout<T>.size
            guard position + size <= bytes.count else { return nil }
            var v: T = 0
            for k in 0..<size { v |= T(truncatingIfNeeded: bytes[position + k]) << (8 * k) }
            position += size
            return v
        }
    }
}

public struct CheckpointFormatError: Error, Sendable, Equatable {
    public let reason: String
    init(_ reason: String) { self.reason = reason }
}

/// Why a checkpoint save failed: the step, the path, errno.
public typealias CheckpointSaveError = AtomicFile.WriteError
