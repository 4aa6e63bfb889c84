#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Telemetry

/// An append-only descriptor on a path, and the identity (device, inode) of the file it was
/// opened on: when the path names another file (or none), logrotate moved ours away.
struct OpenFile: Sendable {
    let descriptor: Int32
    let device: UInt64
    let inode: UInt64

    /// O_APPEND makes every write land at the current end even after `copytruncate`
    /// rotation or another appender; O_CLOEXEC keeps the file out of spawned processes.
    /// Missing parent directories are created (0755), as Vector's file sink does: a path
    /// under an emptyDir that starts empty should just work.
    static func appending(to path: String) -> Result<OpenFile, Errno> {
        var descriptor = path.withCString { open($0, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644) }
        if descriptor < 0 && errno == ENOENT && createParents(of: path) {
            descriptor = path.withCString { open($0, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644) }
        }
        guard descriptor >= 0 else { return .failure(.current) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let failure = Errno.current
            close(descriptor)
            return .failure(failure)
        }
        return .success(OpenFile(descriptor: descriptor, device: UInt64(status.st_dev), inode: UInt64(status.st_ino)))
    }

    /// Whether `path` still names this file. A failed stat (ENOENT after a rename or
    /// delete) also means no: reopening recreates it.
    func isStillAt(_ path: String) -> Bool {
        var status = stat()
        guard stat(path, &status) == 0 else { return false }
        return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode
    }

    func release() {
        close(descriptor)
    }

    /// `mkdir -p` of the path's directory; false if any level could not be made.
    private static func createParents(of path: String) -> Bool {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return true }
        return (try? AtomicFile.makeDirectories(String(path[..<slash]))) != nil
    }
}
