#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Space and inode usage of one mounted filesystem, from `statvfs(3)`: the values behind
/// `node_filesystem_{size,free,avail}_bytes`, `node_filesystem_files{,_free}` and
/// `node_filesystem_readonly`.
///
/// Not a parser: it asks the kernel about a live mount, so it lives apart from the pure
/// parsers. Caution for collectors: `statvfs` on a dead NFS or FUSE mount blocks in the
/// kernel and cannot be interrupted, so call it off the scrape path with a deadline and
/// remember mounts that hung (node_exporter's `mount-timeout` and "stuck mounts").
public struct FilesystemStats: Sendable, Hashable {
    /// `f_bsize`. node_exporter multiplies block counts by this (Go's `Statfs_t.Bsize`), so
    /// the byte values below do too, to agree with it.
    public var blockSize: UInt64
    /// `f_frsize`, which POSIX says the block counts are in. Equal to `blockSize` on
    /// common Linux filesystems.
    public var fragmentSize: UInt64
    public var blocks: UInt64
    public var blocksFree: UInt64
    /// Free blocks available to unprivileged users (excludes the root reserve).
    public var blocksAvailable: UInt64
    public var files: UInt64
    public var filesFree: UInt64
    /// `ST_RDONLY`: read-only at the mount or at the superblock.
    public var readOnly: Bool

    public init(
        blockSize: UInt64, fragmentSize: UInt64, blocks: UInt64, blocksFree: UInt64,
        blocksAvailable: UInt64, files: UInt64, filesFree: UInt64, readOnly: Bool
    ) {
        self.blockSize = blockSize
        self.fragmentSize = fragmentSize
        self.blocks = blocks
        self.blocksFree = blocksFree
        self.blocksAvailable = blocksAvailable
        self.files = files
        self.filesFree = filesFree
        self.readOnly = readOnly
    }

    /// `node_filesystem_size_bytes`. Doubles, like node_exporter, since these feed Double
    /// samples and cannot overflow.
    public var sizeBytes: Double { Double(blocks) * Double(blockSize) }
    /// `node_filesystem_free_bytes` (including the root reserve).
    public var freeBytes: Double { Double(blocksFree) * Double(blockSize) }
    /// `node_filesystem_avail_bytes`.
    public var availableBytes: Double { Double(blocksAvailable) * Double(blockSize) }

    /// The failure of one `statvfs` call; collectors export it as `node_filesystem_device_error 1`.
    public struct StatError: Error, Sendable, Hashable, CustomStringConvertible {
        public var mountPoint: String
        public var errno: Int32

        public init(mountPoint: String, errno: Int32) {
            self.mountPoint = mountPoint
            self.errno = errno
        }

        public var description: String {
            "statvfs(\(mountPoint)): \(String(cString: strerror(errno)))"
        }
    }

    /// Calls `statvfs` on the mount point. When the agent sees the host's mounts through a
    /// bind mount (e.g. `/host/root`), pass the prefixed path.
    public static func statfs(mountPoint: String) throws(StatError) -> FilesystemStats {
        var buffer = statvfs()
        let result = mountPoint.withCString { statvfs($0, &buffer) }
        guard result == 0 else { throw StatError(mountPoint: mountPoint, errno: errno) }
        return FilesystemStats(
            blockSize: UInt64(buffer.f_bsize),
            fragmentSize: UInt64(buffer.f_frsize),
            blocks: UInt64(buffer.f_blocks),
            blocksFree: UInt64(buffer.f_bfree),
            blocksAvailable: UInt64(buffer.f_bavail),
            files: UInt64(buffer.f_files),
            filesFree: UInt64(buffer.f_ffree),
            readOnly: (UInt64(buffer.f_flag) & UInt64(ST_RDONLY)) != 0
        )
    }
}
