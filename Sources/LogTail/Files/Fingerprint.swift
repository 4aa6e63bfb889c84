#if canImport(Glibc)
import Telemetry
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who a file is: device + inode plus a CRC-32C of its first `length` bytes.
///
/// A file shorter than the fingerprinter's `checksumBytes` gets a *provisional* fingerprint
/// (`length < target`): the checksum covers what is there. It is matched by device + inode
/// alone (plus "did not shrink"), and replaced by the full fingerprint once the file has grown;
/// the checkpoint store re-keys it (`CheckpointStore.rekey`). Vector instead skips files too
/// short to fingerprint until they grow; Fluent Bit identifies by inode only. See FileIdentity.
public struct Fingerprint: Sendable, Hashable, CustomStringConvertible {
    public var device: UInt64
    public var inode: UInt64
    public var checksum: UInt32
    /// Bytes covered by `checksum`.
    public var length: UInt32
    /// Bytes a full fingerprint covers (the fingerprinter's configuration).
    public var target: UInt32

    public init(device: UInt64, inode: UInt64, checksum: UInt32, length: UInt32, target: UInt32) {
        self.device = device
        self.inode = inode
        self.checksum = checksum
        self.length = length
        self.target = target
    }

    /// The checksum covers `target` bytes: the file's content identity is known.
    public var isStable: Bool { length >= target }

    public var description: String {
        "dev=\(device) ino=\(inode) crc32c=\(String(checksum, radix: 16))/\(length)\(isStable ? "" : " (provisional)")"
    }
}

/// What `stat` says plus the fingerprint, for one file seen by a rescan.
public struct FileObservation: Sendable, Hashable {
    public var path: String
    public var fingerprint: Fingerprint
    public var size: UInt64
    /// CRC-32C of the first `length` bytes, when asked for (`Fingerprinter.fingerprint(...,
    /// prefixOf:)`): lets a provisional fingerprint be re-checked after the file grew.
    public var prefix: (length: UInt32, checksum: UInt32)?

    public init(path: String, fingerprint: Fingerprint, size: UInt64, prefix: (length: UInt32, checksum: UInt32)? = nil) {
        self.path = path
        self.fingerprint = fingerprint
        self.size = size
        self.prefix = prefix
    }

    public static func == (a: FileObservation, b: FileObservation) -> Bool {
        a.path == b.path && a.fingerprint == b.fingerprint && a.size == b.size
            && a.prefix?.length == b.prefix?.length && a.prefix?.checksum == b.prefix?.checksum
    }

    public func hash(into h: inout Hasher) {
        h.combine(path); h.combine(fingerprint); h.combine(size)
    }
}

public struct FingerprintError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let errno: Int32
    public var description: String {
        "\(operation) \(path): \(String(cString: strerror(errno))) (errno \(errno))"
    }
}

/// Reads the first bytes of a file with `pread` (never moves a reader's offset).
public struct Fingerprinter: Sendable {
    /// How many leading bytes identify a file's content (default 256, like Vector's old
    /// `checksum` strategy and its `bytes` default).
    public let checksumBytes: Int

    public init(checksumBytes: Int = 256) {
        precondition(checksumBytes > 0 && checksumBytes <= 1 << 20, "checksumBytes must be in 1...1MiB")
        self.checksumBytes = checksumBytes
    }

    /// `prefixOf`: a tracked provisional fingerprint; its length is checksummed again (from the
    /// same read) so `FileIdentity` can tell "grew" from "rewritten".
    public func fingerprint(path: String, prefixOf tracked: Fingerprint? = nil) throws(FingerprintError) -> FileObservation {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw FingerprintError(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        return try fingerprint(fd: fd, path: path, prefixOf: tracked)
    }

    public func fingerprint(fd: Int32, path: String = "", prefixOf tracked: Fingerprint? = nil) throws(FingerprintError) -> FileObservation {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FingerprintError(path: path, operation: "fstat", errno: errno) }
        var buffer = [UInt8](repeating: 0, count: checksumBytes)
        var filled = 0
        while filled < checksumBytes {
            let n = buffer.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress! + filled, checksumBytes - filled, off_t(filled))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw FingerprintError(path: path, operation: "pread", errno: errno)
            }
            if n == 0 { break }
            filled += n
        }
        let checksum = buffer.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<filled])) }
        let fp = Fingerprint(
            device: UInt64(st.st_dev), inode: UInt64(st.st_ino), checksum: checksum,
            length: UInt32(filled), target: UInt32(checksumBytes))
        var prefix: (length: UInt32, checksum: UInt32)?
        if let tracked, !tracked.isStable, Int(tracked.length) <= filled {
            let crc = buffer.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<Int(tracked.length)])) }
            prefix = (tracked.length, crc)
        }
        return FileObservation(path: path, fingerprint: fp, size: UInt64(max(st.st_size, 0)), prefix: prefix)
    }
}
