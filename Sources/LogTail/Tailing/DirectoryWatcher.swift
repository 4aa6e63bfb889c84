#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// inotify on the directories a tailer reads from, so a write is read at once and a new or
/// renamed file is found without waiting for the next scan. Only a wake-up signal: the scan
/// and the reads stay the source of truth, so a lost event (queue overflow, a file system
/// without inotify such as some network mounts) costs latency, never data — the poll
/// interval and the rescan interval still run.
public final class DirectoryWatcher {
    /// What the events since the last `wait` ask for.
    public struct Changes: Sendable, Equatable {
        /// Files written to (full paths).
        public var written: Set<String> = []
        /// Something was created, renamed, deleted, or events were lost: scan now.
        public var rescan = false
        public var isEmpty: Bool { written.isEmpty && !rescan }
    }

    private let fd: Int32
    private var directoriesByWatch: [Int32: String] = [:]
    private var watchesByDirectory: [String: Int32] = [:]
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    /// Nil where inotify is unavailable (the caller falls back to polling).
    public init?() {
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { return nil }
        fd = descriptor
    }

    deinit { close(fd) }

    /// Watch exactly these directories (new ones added, old ones dropped). Returns the ones
    /// that could not be watched (missing, permission, the user's watch limit).
    @discardableResult
    public func watch(_ directories: Set<String>) -> [(directory: String, errno: Int32)] {
        var failures: [(String, Int32)] = []
        for (directory, wd) in watchesByDirectory where !directories.contains(directory) {
            inotify_rm_watch(fd, wd)
            watchesByDirectory[directory] = nil
            directoriesByWatch[wd] = nil
        }
        let mask = UInt32(IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB)
        for directory in directories where watchesByDirectory[directory] == nil {
            let wd = inotify_add_watch(fd, directory, mask)
            if wd < 0 {
                failures.append((directory, errno))
                continue
            }
            watchesByDirectory[directory] = wd
            directoriesByWatch[wd] = directory
        }
        return failures
    }

    public var watchedCount: Int { watchesByDirectory.count }

    /// The inotify descriptor, for `waitForEvents` on a thread that may block.
    public var descriptor: Int32 { fd }

    /// Blocks up to `timeout` until `descriptor` has events (call it off the cooperative
    /// pool); then `drain` them on the owner's task. True when events are waiting.
    public static func waitForEvents(on descriptor: Int32, timeout: Duration) -> Bool {
        var pfd = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        return poll(&pfd, 1, max(0, milliseconds)) > 0
    }

    /// Events already queued, without waiting.
    public func drain() -> Changes {
        var changes = Changes()
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n <= 0 { break }
            buffer.withUnsafeBytes { raw in
                var offset = 0
                let header = MemoryLayout<inotify_event>.size
                while offset + header <= n {
                    let wd = raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)
                    let mask = raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                    let length = Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                    let nameBytes = UnsafeRawBufferPointer(rebasing: raw[(offset + header)..<min(n, offset + header + length)])
                    offset += header + length
                    if mask & UInt32(IN_IGNORED) != 0, let directory = directoriesByWatch.removeValue(forKey: wd) {
                        // The kernel dropped the watch (directory deleted or unmounted):
                        // forget it, or `watch` would think a recreated directory is
                        // still watched and never add it again.
                        watchesByDirectory[directory] = nil
                    }
                    if mask & UInt32(IN_Q_OVERFLOW) != 0 || mask & UInt32(IN_IGNORED) != 0 {
                        changes.rescan = true
                        continue
                    }
                    if mask & UInt32(IN_MODIFY) != 0, let directory = directoriesByWatch[wd] {
                        let name = nameBytes.prefix { $0 != 0 }
                        if !name.isEmpty {
                            changes.written.insert(directory == "/" ? "/" + String(decoding: name, as: UTF8.self) : directory + "/" + String(decoding: name, as: UTF8.self))
                        }
                    } else {
                        changes.rescan = true
                    }
                }
            }
        }
        return changes
    }
}
