#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads small whole files (configs, /proc and cgroup entries) without Foundation. It lives
/// in the lowest module so every layer reads files the same way.
public enum FileBytes {
    public struct ReadError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var errno: Int32
        public var reason: String { String(cString: strerror(errno)) }
        public var description: String { "\(path): \(reason)" }
    }

    public static func contents(of path: String, limit: Int = 64 << 20) throws(ReadError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw ReadError(path: path, errno: errno) }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while result.count < limit {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(path: path, errno: errno)
            }
            if count == 0 { break }
            result.append(contentsOf: chunk[0..<count])
        }
        return result
    }
}
