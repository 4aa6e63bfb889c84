import Glibc
import Synchronization

/// The demo source's position: the next sequence number to send after a restart. Batches
/// are acknowledged out of order, so it advances only over the contiguous prefix of
/// acknowledged ranges, and is written atomically (temp file, fsync, rename) at most every
/// `interval` plus once at shutdown: a crash repeats at most what was unacknowledged plus
/// one interval of acknowledgements — the bounded duplicates at-least-once allows.
final class SequenceCheckpoint: Sendable {
    private struct State {
        var next: UInt64
        var completed: [Range<UInt64>] = []
        var written: UInt64
        var lastWrite = ContinuousClock.now
        /// Set by `flush` when the source stops: acknowledgements still arrive while the
        /// exporters drain, and each is written at once, so a clean stop repeats nothing.
        var sourceStopped = false
    }

    let path: String?
    private let interval: Duration
    private let state: Mutex<State>

    init(directory: String?, name: String, interval: Duration = .milliseconds(200)) {
        path = directory.map { $0 + "/" + name + ".seq" }
        self.interval = interval
        let start = path.flatMap(Self.read) ?? 0
        state = Mutex(State(next: start, written: start))
    }

    var start: UInt64 { state.withLock { $0.written } }

    /// Marks `range` acknowledged; writes the file when due. The write happens under the
    /// lock, so concurrent acknowledgements can never leave an older position on disk.
    func acknowledge(_ range: Range<UInt64>) {
        state.withLock { state in
            state.completed.append(range)
            state.completed.sort { $0.lowerBound < $1.lowerBound }
            while let first = state.completed.first, first.lowerBound <= state.next {
                state.next = max(state.next, first.upperBound)
                state.completed.removeFirst()
            }
            guard state.next != state.written,
                  state.sourceStopped || ContinuousClock.now - state.lastWrite >= interval else { return }
            state.lastWrite = .now
            state.written = state.next
            write(state.next)
        }
    }

    func flush() {
        state.withLock { state in
            state.sourceStopped = true
            guard state.next != state.written else { return }
            state.written = state.next
            write(state.next)
        }
    }

    private func write(_ value: UInt64) {
        guard let path else { return }
        let temporary = path + ".tmp"
        let text = Array("\(value)\n".utf8)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        _ = text.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        fsync(fd)
        close(fd)
        rename(temporary, path)
    }

    private static func read(_ path: String) -> UInt64? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        let digits = buffer[..<count].prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        return UInt64(String(decoding: digits, as: UTF8.self))
    }
}
