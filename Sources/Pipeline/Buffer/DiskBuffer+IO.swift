import Dispatch

/// The buffer's serial I/O queue: every log call runs there, in submission order.
extension DiskBuffer {
    /// Runs `work` on the I/O queue and waits for it without holding a pool thread.
    func onQueue<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            io.async { continuation.resume(returning: work()) }
        }
    }

    /// Fire and forget: `complete` is synchronous, and a later target covers an earlier one
    /// if this one fails.
    func acknowledgeOnQueue(through target: UInt64) {
        io.async { self.acknowledgeNow(through: target) }
    }

    /// On the I/O queue only.
    func acknowledgeNow(through target: UInt64) {
        do throws(DiskLogError) {
            try log.acknowledge(through: target)
        } catch {
            record(error)
        }
        refreshLogBytes()
        roomFreed.notifyAll()
    }

    /// On the I/O queue only: the log's size after a call changed it.
    func refreshLogBytes() {
        let bytes = log.state.pendingBytes
        state.withLock { state in
            if bytes < state.logBytes { state.diskFullSince = nil }
            state.logBytes = bytes
            stats.set(events: state.liveEvents, bytes: state.logBytes)
        }
    }

    /// `.closed` after `closeLog()` is expected; anything else is kept for /status.
    func record(_ error: DiskLogError) {
        if error == .closed { return }
        state.withLock { $0.lastError = error }
    }

    /// On the I/O queue only.
    func syncNow() {
        do throws(DiskLogError) {
            try log.sync()
        } catch {
            record(error)
        }
    }

    /// On the I/O queue only.
    func closeLogNow() {
        do throws(DiskLogError) {
            try log.close()
        } catch {
            record(error)
        }
    }

    /// Once closed and everything taken has completed, syncs and closes the log (queued
    /// behind the acknowledgements already requested). True if this call started it.
    @discardableResult
    func closeLogIfDrained() -> Bool {
        let start = state.withLock { state -> Bool in
            guard state.closed, !state.logClosing, state.isDrained else { return false }
            state.logClosing = true
            return true
        }
        if start { io.async { self.closeLogNow() } }
        return start
    }

    /// `sync: interval`: the log syncs on the first append after the interval, and this
    /// timer covers an idle log, so unsynced data is never older than about one interval.
    /// Holds the buffer weakly: it stops when the buffer goes away or the log closes.
    func schedulePeriodicSync(every interval: Duration) {
        let (seconds, attoseconds) = interval.components
        let nanoseconds = max(1_000_000, seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        io.asyncAfter(deadline: .now() + .nanoseconds(Int(clamping: nanoseconds))) { [weak self] in
            guard let self, !self.state.withLock({ $0.logClosing }) else { return }
            self.syncNow()
            self.schedulePeriodicSync(every: interval)
        }
    }
}
