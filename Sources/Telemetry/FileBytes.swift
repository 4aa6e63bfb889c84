#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads small whole files (configs, /proc and cgroup entries) without Foundation. It lives
/// in the lowest module so every layer reads files the same way.
public enum FileBytes {
    /// A file or directory that could not be read; `errno` says why.
    public struct ReadError: Error, Sendable, Hashable, CustomStringConvertible {
        public var path: String
        public var errno: Int32
        public var reason: String { String(cString: strerror(errno)) }
        public var description: String { "\(path): \(reason)" }

        public init(path: String, errno: Int32) {
            self.path = path
            self.errno = errno
        }
    }

    /// Reads a whole file (at most `limit` bytes).
    public static func contents(of path: String, limit: Int = 64 << 20, sizeHint: Int = 4096) throws(ReadError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw ReadError(path: path, errno: errno) }
        defer { close(fd) }
        return try readToEnd(fd, path: path, limit: limit, sizeHint: sizeHint)
    }

    /// Reads from the descriptor's position to end of file (or `limit` bytes). /proc files
    /// report a size of 0 and are served a page per read, so this reads until a read
    /// returns 0, in chunks that are not zeroed first (it runs on every scrape).
    public static func readToEnd(_ fd: Int32, path: String, limit: Int = 64 << 20, sizeHint: Int = 4096) throws(ReadError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(sizeHint, limit))
        var failure: Int32 = 0
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16 * 1024) { chunk in
            while bytes.count < limit {
                let count = read(fd, chunk.baseAddress, min(chunk.count, limit - bytes.count))
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if count == 0 { return }
                bytes.append(contentsOf: chunk[0..<count])
            }
        }
        if failure != 0 { throw ReadError(path: path, errno: failure) }
        return bytes
    }
}
