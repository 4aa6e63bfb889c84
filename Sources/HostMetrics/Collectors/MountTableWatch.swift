import Glibc
import Synchronization
import Telemetry

/// The mount table, re-read only when it changed. The kernel signals a change of a
/// process's mount namespace by poll(2) on its open mountinfo returning POLLPRI|POLLERR,
/// so a scrape costs one poll instead of formatting and parsing every mount line, and still
/// never sees a stale table. A regular file (a test's fixture) has no such signal and is
/// read every time.
final class MountTableWatch: Sendable {
    private struct State {
        var fd: Int32 = -1
        var path = ""
        var mounts: [MountInfo.Mount] = []
        /// Counts the tables kept under watch, so callers can keep what they derive from one.
        var version: UInt64 = 0
    }

    private let candidates: [String]
    private let state = Mutex(State())

    /// - Parameter candidates: mountinfo files to try in order (the host's, then our own).
    init(candidates: [String]) {
        self.candidates = candidates
    }

    deinit {
        state.withLock { if $0.fd >= 0 { close($0.fd) } }
    }

    func mounts() throws -> [MountInfo.Mount] {
        try table().mounts
    }

    /// The mounts, with a version that stays the same while the watched table is unchanged;
    /// nil when the table is not watched (read afresh every time).
    func table() throws -> (mounts: [MountInfo.Mount], version: UInt64?) {
        try state.withLock { state throws -> (mounts: [MountInfo.Mount], version: UInt64?) in
            // Only the first candidate (the host's table) is kept: while on a fallback the
            // host's table is tried again at every collection.
            if state.fd >= 0 {
                var watch = pollfd(fd: state.fd, events: Int16(POLLPRI), revents: 0)
                if poll(&watch, 1, 0) == 0 { return (state.mounts, state.version) }
                close(state.fd)
                state.fd = -1
            }
            var lastError: (any Error)?
            for path in candidates {
                let fd = open(path, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else {
                    lastError = FileBytes.ReadError(path: path, errno: errno)
                    continue
                }
                do {
                    // Read through our own descriptor: the poll state belongs to it.
                    let mounts = try MountInfo.parse(try FileBytes.readToEnd(fd, path: path)).mounts
                    // open(2) recorded the namespace's change counter, so a change during
                    // the read already shows at the next poll.
                    var info = stat()
                    guard path == candidates.first, fstat(fd, &info) == 0, info.st_size == 0 else {
                        close(fd)
                        return (mounts, nil)
                    }
                    state = State(fd: fd, path: path, mounts: mounts, version: state.version + 1)
                    return (mounts, state.version)
                } catch {
                    close(fd)
                    lastError = error
                }
            }
            throw lastError ?? MountTableUnavailable(paths: candidates)
        }
    }
}

struct MountTableUnavailable: Error, CustomStringConvertible {
    var paths: [String]
    var description: String { "no readable mount table at \(paths.joined(separator: " or "))" }
}
