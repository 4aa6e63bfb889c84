import Synchronization
import Telemetry

/// The demo source's position: the next sequence number to send after a restart. Batches
/// are acknowledged out of order, so it advances only over the contiguous prefix of
/// acknowledged ranges, and is written atomically (`AtomicFile`) at most every
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

    private let onWriteError: @Sendable (AtomicFile.WriteError) -> Void

    init(
        directory: String?, name: String, interval: Duration = .milliseconds(200),
        onWriteError: @escaping @Sendable (AtomicFile.WriteError) -> Void
    ) {
        path = directory.map { $0 + "/" + name + ".seq" }
        self.interval = interval
        self.onWriteError = onWriteError
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
        do {
            try AtomicFile.replace(path, with: Array("\(value)\n".utf8))
        } catch {
            // The position stays where the file says: a restart repeats more, loses nothing.
            onWriteError(error)
        }
    }

    private static func read(_ path: String) -> UInt64? {
        guard let bytes = try? FileBytes.contents(of: path, limit: 32) else { return nil }
        return UInt64(String(decoding: bytes.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }, as: UTF8.self))
    }
}
