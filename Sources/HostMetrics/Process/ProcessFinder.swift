import Telemetry
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The two process questions that are directory walks, not file parses: how many
/// descriptors a process holds (`process_open_fds`), and which PIDs belong to the watched
/// application (with `shareProcessNamespace: true` the sidecar sees the app's processes).
///
/// Everything takes the proc root as a parameter (`/proc`, `/host/proc`, a fixture tree),
/// so tests run against a directory they built. The matching rule itself is the pure
/// `matches(name:comm:cmdline:)`.
public enum ProcessFinder {
    /// A directory or file that could not be read; `errno` says why (ENOENT: the process
    /// exited, EACCES: another user's fd directory without CAP_SYS_PTRACE).
    public typealias Failure = FileBytes.ReadError

    /// The number of entries in `<procRoot>/<pid>/fd`, i.e. open descriptors. Counting the
    /// directory's entries is what prometheus/procfs does; the entries are symlinks that are
    /// never followed, so a descriptor to a deleted file still counts.
    ///
    /// With `bySize` (see `fdDirectorySizeIsCount`) the kernel's own count is taken from one
    /// stat(2) of the directory, instead of listing it: procfs builds a dentry for every
    /// descriptor it lists, which made the listing most of the cost of our own
    /// `process_open_fds`. For our own process the listing also counted the descriptor it
    /// held on the directory (as Prometheus clients' counts do), so that one is added.
    public static func openFileDescriptorCount(pid: Int32, procRoot: String = "/proc", bySize: Bool = false) throws(Failure) -> Int {
        let path = "\(procRoot)/\(pid)/fd"
        if bySize {
            var info = stat()
            guard stat(path, &info) == 0 else { throw Failure(path: path, errno: errno) }
            return Int(info.st_size) + (pid == getpid() ? 1 : 0)
        }
        var count = 0
        try forEachEntry(in: path) { _ in count += 1 }
        return count
    }

    /// Whether `<procRoot>/<pid>/fd` reports its number of entries as its size: procfs on
    /// Linux 6.2 and later. Elsewhere (an older kernel, a fixture tree) a directory's size
    /// means something else and the entries are counted. procfs is recognised by its `self`
    /// link naming our own PID (statfs(2), which would name the filesystem, is not in
    /// Swift's Glibc module); a host's /proc from another PID namespace is not recognised
    /// and keeps being listed.
    public static func fdDirectorySizeIsCount(procRoot: String = "/proc") -> Bool {
        #if os(Linux)
        var target = [CChar](repeating: 0, count: 32)
        let length = readlink("\(procRoot)/self", &target, target.count - 1)
        guard length > 0, String(decoding: target[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) == String(getpid()) else {
            return false
        }
        var info = stat()
        return stat("\(procRoot)/self/fd", &info) == 0 && info.st_size > 0
        #else
        return false
        #endif
    }

    /// PIDs (ascending) of processes called `name`: `<pid>/comm` equals it exactly, or the
    /// basename of argv[0] in `<pid>/cmdline` does. comm alone is not enough because the
    /// kernel truncates it to 15 bytes (`outrider-sidecar` → `outrider-sideca`), and
    /// cmdline alone is not enough because kernel threads have none and some daemons
    /// rewrite their argv (`postgres: checkpointer`). Processes that exit mid-scan are
    /// skipped; only an unreadable proc root throws.
    public static func pids(named name: String, procRoot: String = "/proc") throws(Failure) -> [Int32] {
        let wanted = Array(name.utf8)
        var found: [Int32] = []
        try forEachEntry(in: procRoot) { entry in
            guard let pid = entry[...].uint64, pid > 0, let pid32 = Int32(exactly: pid) else { return }
            let directory = "\(procRoot)/\(pid32)"
            let comm = readPrefix("\(directory)/comm", limit: 64) ?? []
            let cmdline = matchesComm(wanted, comm) ? [] : (readPrefix("\(directory)/cmdline", limit: 8192) ?? [])
            if matches(name: wanted, comm: comm, cmdline: cmdline) { found.append(pid32) }
        }
        return found.sorted()
    }

    /// Whether a process with this `comm` file content and this `cmdline` file content is
    /// called `name` (see `pids(named:procRoot:)` for the rule).
    public static func matches(name: [UInt8], comm: [UInt8], cmdline: [UInt8]) -> Bool {
        guard !name.isEmpty else { return false }
        if matchesComm(name, comm) { return true }
        let argv0 = cmdline.prefix { $0 != 0 }
        let basename = argv0.lastIndex(of: UInt8(ascii: "/")).map { argv0[($0 + 1)...] } ?? argv0
        return basename.elementsEqual(name)
    }

    /// comm ends with one newline, which is not part of the name.
    private static func matchesComm(_ name: [UInt8], _ comm: [UInt8]) -> Bool {
        let trimmed = comm.last == UInt8(ascii: "\n") ? comm.dropLast() : comm[...]
        return !trimmed.isEmpty && trimmed.elementsEqual(name)
    }

    /// Calls `body` with each entry's name except `.` and `..`, as bytes.
    private static func forEachEntry(in path: String, _ body: ([UInt8]) -> Void) throws(Failure) {
        guard let directory = opendir(path) else { throw Failure(path: path, errno: errno) }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            // d_name is a fixed-size C array imported as a tuple; the name ends at its NUL.
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
            body(name)
        }
    }

    /// The first `limit` bytes of a file, or nil if it cannot be read (the process is gone).
    private static func readPrefix(_ path: String, limit: Int) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: limit)
        var filled = 0
        while filled < limit {
            let count = buffer.withUnsafeMutableBytes { raw in
                read(descriptor, raw.baseAddress! + filled, limit - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            filled += count
        }
        buffer.removeSubrange(filled...)
        return buffer
    }
}
