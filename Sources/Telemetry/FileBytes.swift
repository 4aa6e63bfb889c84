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

    /// Reads until end of file (or `limit` bytes). /proc files report a size of 0, so the
    /// buffer grows as reads fill it, starting from `sizeHint`; bytes are read straight
    /// into the array's storage, never zeroed first (this runs on every scrape).
    public static func contents(of path: String, limit: Int = 64 << 20, sizeHint: Int = 4096) throws(ReadError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw ReadError(path: path, errno: errno) }
        defer { close(fd) }
        var capacity = max(sizeHint, 512)
        while true {
            var failure: Int32 = 0
            let result = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                while initialized < buffer.count {
                    let count = read(fd, buffer.baseAddress! + initialized, buffer.count - initialized)
                    if count < 0 {
                        if errno == EINTR { continue }
                        failure = errno
                        return
                    }
                    if count == 0 { return }
                    initialized += count
                }
            }
            if failure != 0 { throw ReadError(path: path, errno: failure) }
            // Short of the capacity: that was the whole file.
            if result.count < capacity || capacity >= limit { return Array(result.prefix(limit)) }
            // Full: the file is larger. Start over from the beginning with twice the room,
            // so the content is one consistent read (a /proc file is generated per read).
            capacity = min(capacity * 2, limit)
            if lseek(fd, 0, SEEK_SET) < 0 { throw ReadError(path: path, errno: errno) }
        }
    }
}
