#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Telemetry

/// The few system calls the log makes, each retried on EINTR and turned into a typed
/// error naming the file and the operation, so callers read as the algorithm they implement.
enum DiskLogFiles {
    static func openFile(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(DiskLogError) -> Int32 {
        while true {
            let fd = open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw .io(path: path, operation: "open", errno: errno) }
        }
    }

    static func closeFile(_ fd: Int32) {
        // Linux closes the descriptor even when close(2) reports EINTR; retrying could close
        // a descriptor another thread just opened.
        _ = close(fd)
    }

    /// Reads `count` bytes at `offset`, fewer only at end of file.
    static func read(_ fd: Int32, count: Int, at offset: Int, path: String) throws(DiskLogError) -> [UInt8] {
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            while initialized < count {
                let result = pread(fd, buffer.baseAddress! + initialized, count - initialized, off_t(offset + initialized))
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if result == 0 { return }
                initialized += result
            }
        }
        if failure != 0 { throw .io(path: path, operation: "pread", errno: failure) }
        return bytes
    }

    /// Writes all of `bytes` at `offset`. A short write is continued; the error that stops
    /// it (ENOSPC typically) is thrown, and the caller truncates what did get written.
    static func write(_ fd: Int32, _ bytes: [UInt8], at offset: Int, path: String) throws(DiskLogError) {
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let result = pwrite(fd, buffer.baseAddress! + written, buffer.count - written, off_t(offset + written))
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                written += result
            }
        }
        if failure != 0 { throw .io(path: path, operation: "pwrite", errno: failure) }
    }

    static func truncate(_ fd: Int32, to length: Int, path: String) throws(DiskLogError) {
        while ftruncate(fd, off_t(length)) != 0 {
            if errno != EINTR { throw .io(path: path, operation: "ftruncate", errno: errno) }
        }
    }

    /// fdatasync: the data and the size, not timestamps; that is all a reader needs.
    static func syncData(_ fd: Int32, path: String) throws(DiskLogError) {
        while fdatasync(fd) != 0 {
            if errno != EINTR { throw .io(path: path, operation: "fdatasync", errno: errno) }
        }
    }

    /// fsync on a directory makes created, renamed and removed names durable.
    static func sync(_ fd: Int32, path: String) throws(DiskLogError) {
        while fsync(fd) != 0 {
            if errno != EINTR { throw .io(path: path, operation: "fsync", errno: errno) }
        }
    }

    static func size(_ fd: Int32, path: String) throws(DiskLogError) -> Int {
        var status = stat()
        if fstat(fd, &status) != 0 { throw .io(path: path, operation: "fstat", errno: errno) }
        return Int(status.st_size)
    }

    static func renameFile(_ from: String, _ to: String) throws(DiskLogError) {
        if rename(from, to) != 0 { throw .io(path: from, operation: "rename to \(to)", errno: errno) }
    }

    static func unlinkFile(_ path: String) throws(DiskLogError) {
        if unlink(path) != 0 && errno != ENOENT { throw .io(path: path, operation: "unlink", errno: errno) }
    }

    /// Bytes the filesystem still offers an unprivileged writer, for `.full`'s message.
    static func availableBytes(_ fd: Int32) -> Int {
        var status = statvfs()
        guard fstatvfs(fd, &status) == 0 else { return 0 }
        return Int(status.f_bavail) * Int(status.f_frsize)
    }

    /// Creates `path` and any missing parents, like `mkdir -p`.
    static func makeDirectories(_ path: String) throws(DiskLogError) {
        do {
            try AtomicFile.makeDirectories(path)
        } catch {
            throw .io(path: error.path, operation: error.operation, errno: error.errno)
        }
    }

    static func listDirectory(_ path: String) throws(DiskLogError) -> [String] {
        guard let directory = opendir(path) else { throw .io(path: path, operation: "opendir", errno: errno) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// An exclusive, non-blocking flock on `path`; the descriptor holds it until closed.
    /// flock (not fcntl locks) because it is per open file description, so a second
    /// `DiskLog` in the same process is refused too.
    ///
    /// A lock that is busy is retried for up to half a second: the holder may be a process
    /// that is exiting, or a child forked by another thread that still shares the descriptor
    /// until it execs (O_CLOEXEC closes it only then).
    static func lock(_ path: String) throws(DiskLogError) -> Int32 {
        let fd = try openFile(path, O_RDWR | O_CREAT)
        var attempts = 0
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EWOULDBLOCK && attempts < 50 {
                attempts += 1
                usleep(10_000)
                continue
            }
            closeFile(fd)
            if code == EWOULDBLOCK { throw .locked(path: path) }
            throw .io(path: path, operation: "flock", errno: code)
        }
        return fd
    }
}
