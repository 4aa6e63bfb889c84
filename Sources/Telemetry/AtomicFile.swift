#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small state files (checkpoints) replaced so that a reader, or a crash at any point, sees
/// the old content or the new one, never a mix.
public enum AtomicFile {
    public struct WriteError: Error, Sendable, Hashable, CustomStringConvertible {
        public let path: String
        public let operation: String
        public let errno: Int32

        public init(path: String, operation: String, errno: Int32) {
            self.path = path
            self.operation = operation
            self.errno = errno
        }

        public var description: String { "\(operation) \(path): \(String(cString: strerror(errno))) (errno \(errno))" }
    }

    /// Creates `path` and any missing parents, like `mkdir -p`.
    public static func makeDirectories(_ path: String, mode: mode_t = 0o755) throws(WriteError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, mode) != 0 && errno != EEXIST {
                throw WriteError(path: prefix, operation: "mkdir", errno: errno)
            }
            prefix += "/"
        }
    }

    /// Writes `bytes` to `path + ".tmp"`, fsyncs it, renames it over `path`, then fsyncs the
    /// directory so the rename itself survives a power loss. A failed step removes the
    /// temporary file and leaves `path` as it was.
    public static func replace(_ path: String, with bytes: [UInt8], mode: mode_t = 0o644) throws(WriteError) {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw WriteError(path: temporary, operation: "open", errno: errno) }
        func fail(_ operation: String, _ path: String) -> WriteError {
            let error = WriteError(path: path, operation: operation, errno: errno)
            close(fd)
            unlink(temporary)
            return error
        }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                throw fail("write", temporary)
            }
            written += count
        }
        guard fsync(fd) == 0 else { throw fail("fsync", temporary) }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let error = WriteError(path: path, operation: "rename", errno: errno)
            unlink(temporary)
            throw error
        }
        let directory = path.lastIndex(of: "/").map { path[..<$0].isEmpty ? "/" : String(path[..<$0]) } ?? "."
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directoryFD >= 0 else { throw WriteError(path: directory, operation: "open directory", errno: errno) }
        defer { close(directoryFD) }
        guard fsync(directoryFD) == 0 else { throw WriteError(path: directory, operation: "fsync directory", errno: errno) }
    }
}
