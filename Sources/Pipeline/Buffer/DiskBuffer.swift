import Dispatch
import Synchronization
import Telemetry

/// The `disk` buffer: each appended batch is one record in a crash-safe `DiskLog`, so
/// buffered data survives restarts and SIGKILL.
///
/// A source's acknowledgement finishes as soon as its batch is appended (durable per the
/// sync policy): with this buffer a checkpoint moves once the data is on disk, not when a
/// backend took it. Delivery batches are read back from the log; the log is acknowledged
/// through the contiguous prefix of completed records, so out-of-order completion never
/// acknowledges a record still in flight, and whatever is not acknowledged is replayed on
/// the next start.
///
/// Log calls block on disk I/O, so they run on one serial `DispatchQueue` per buffer,
/// never on the cooperative pool; the queue also keeps appends in call order. Bookkeeping
/// sits under one mutex (`DiskBufferState`), never held across I/O.
///
/// `sync: interval` is served by a timer on that queue; `sync()` forces one. `close()`
/// stops intake; `nextBatch` drains what is on disk and the log is synced and closed once
/// everything taken has completed. An owner that gives up earlier (shutdown timeout) calls
/// `closeLog()`: what is not acknowledged stays for the next start.
public final class DiskBuffer: TelemetryBuffer {
    /// `stats.dropped` reasons besides `BufferStats.droppedFull`.
    public static let droppedCorrupt = "corrupt"
    public static let droppedTooLarge = "too_large"
    public static let droppedDiskError = "disk_error"

    public let whenFull: WhenFull
    public let stats: BufferStats
    /// What opening the log found and repaired (torn tail, corrupt records), for the
    /// agent's log and metrics.
    public let recovery: DiskLogRecoveryReport
    let log: DiskLog
    let maxBytes: Int
    let maxEvents: Int
    let io: DispatchQueue
    let state: Mutex<DiskBufferState>
    let roomFreed = AsyncCondition()
    let dataArrived = AsyncCondition()
    /// While the disk is full for reasons other than our own backlog (other files on the
    /// volume), no acknowledgement may ever wake a blocked sender: it retries this often.
    static let fullRetryInterval = Duration.seconds(1)
    /// "No byte limit" for `DiskLog.read`, which adds to its limit (so not `Int.max`).
    static let unlimitedReadBytes = Int.max / 2

    /// Opens (creating if needed) the buffer in `directory`, repairing what a crash left and
    /// reading the headers of the records it replays. Blocks on disk I/O: from async code
    /// use `open(…)`.
    ///
    /// `segmentBytes` is capped at a quarter of `maxBytes`: space is freed in whole
    /// segments, so a full buffer must hold several to make room step by step.
    public init(
        directory: String,
        maxBytes: Int,
        maxEvents: Int? = nil,
        whenFull: WhenFull,
        sync: DiskLogConfiguration.SyncPolicy = .interval(.seconds(1)),
        segmentBytes: Int = DiskLogConfiguration.defaultSegmentBytes
    ) throws(DiskLogError) {
        let segment = min(segmentBytes, max(DiskLogConfiguration.minimumSegmentBytes, maxBytes / 4))
        let configuration = DiskLogConfiguration(
            directory: directory, maxTotalBytes: maxBytes, segmentBytes: segment, sync: sync)
        let (log, recovery) = try DiskLog.open(configuration)
        let scanned: (records: [DiskBufferRecord], corrupt: Int)
        do throws(DiskLogError) {
            scanned = try DiskBufferScan.run(log)
        } catch {
            try? log.close()
            throw error
        }
        self.log = log
        self.recovery = recovery
        self.whenFull = whenFull
        self.maxBytes = maxBytes
        self.maxEvents = max(1, maxEvents ?? .max)
        self.stats = BufferStats(kind: "disk", capacityBytes: maxBytes, capacityEvents: maxEvents ?? .max)
        self.io = DispatchQueue(label: "outrider.disk-buffer")
        var initial = DiskBufferState()
        for record in scanned.records { initial.add(record) }
        initial.logBytes = log.state.pendingBytes
        initial.acknowledgeRequested = log.state.acknowledged
        let target = initial.popDonePrefix()
        self.state = Mutex(initial)
        stats.dropped.add(scanned.corrupt, Self.droppedCorrupt)
        if let target { acknowledgeOnQueue(through: target) }
        publishStats()
        if case let .interval(interval) = sync { schedulePeriodicSync(every: interval) }
    }

    /// `init` off the caller's thread pool: opening replays and checks the whole backlog.
    public static func open(
        directory: String,
        maxBytes: Int,
        maxEvents: Int? = nil,
        whenFull: WhenFull,
        sync: DiskLogConfiguration.SyncPolicy = .interval(.seconds(1)),
        segmentBytes: Int = DiskLogConfiguration.defaultSegmentBytes
    ) async throws(DiskLogError) -> DiskBuffer {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<DiskBuffer, DiskLogError>, Never>) in
            DispatchQueue.global().async {
                continuation.resume(returning: Result { () throws(DiskLogError) -> DiskBuffer in
                    try DiskBuffer(
                        directory: directory, maxBytes: maxBytes, maxEvents: maxEvents, whenFull: whenFull, sync: sync,
                        segmentBytes: segmentBytes)
                })
            }
        }
        return try result.get()
    }

    /// Unacknowledged records are replayed on the next start: a delivery loop stopped at
    /// shutdown leaves its batches uncompleted rather than counting them lost.
    public var isDurable: Bool { true }

    /// The last log error that was not back-pressure (an I/O failure), for /status.
    public var lastError: DiskLogError? {
        state.withLock { $0.lastError }
    }

    /// An empty buffer has room for anything, as `append` takes an item larger than the whole
    /// buffer then (past `max_size` by that one item); otherwise a request estimated above
    /// `max_size` would be refused forever. A disk found full has no room, empty or not.
    public func hasRoom(events: Int, bytes: Int) throws(BufferError) -> Bool {
        try state.withLock { (state: inout DiskBufferState) throws(BufferError) -> Bool in
            guard !state.closed else { throw .closed }
            guard !isDiskFull(state) else { return false }
            return state.liveEvents == 0 || (fitsEvents(events, in: state) && state.logBytes + bytes <= maxBytes)
        }
    }

    /// A full disk is trusted for `fullRetryInterval`: space may come back from outside.
    func isDiskFull(_ state: DiskBufferState) -> Bool {
        guard let since = state.diskFullSince else { return false }
        return since.duration(to: .now) < Self.fullRetryInterval
    }

    func fitsEvents(_ events: Int, in state: DiskBufferState) -> Bool {
        state.liveEvents == 0 || state.liveEvents + events <= maxEvents
    }

    func publishStats() {
        state.withLock { stats.set(events: $0.liveEvents, bytes: $0.logBytes) }
    }

    public func complete(_ batch: BufferedBatch, delivered: Bool) {
        guard case .disk(let token) = batch.receipt else {
            preconditionFailure("a memory buffer's batch completed on a disk buffer")
        }
        let target = state.withLock { state -> UInt64? in
            for position in state.receipts.removeValue(forKey: token) ?? [] { state.completePart(position) }
            stats.set(events: state.liveEvents, bytes: state.logBytes)
            return state.logClosing ? nil : state.popDonePrefix()
        }
        if let target { acknowledgeOnQueue(through: target) }
        roomFreed.notifyAll()
        closeLogIfDrained()
    }

    /// Forces appended data to stable storage now (`sync: interval` also does it on a timer).
    public func sync() async {
        await onQueue { self.syncNow() }
    }

    public func close() async {
        state.withLock { $0.closed = true }
        roomFreed.notifyAll()
        dataArrived.notifyAll()
        // Wait for the close queued behind pending acknowledgements, so the directory is
        // unlocked when this returns on an idle buffer.
        if closeLogIfDrained() { await onQueue {} }
    }

    /// Stops intake and closes the log now, whatever is still out for delivery: those
    /// records are not acknowledged and come back on the next start. For an owner whose
    /// delivery loop has stopped (shutdown timeout); idempotent.
    public func closeLog() async {
        let first = state.withLock { state -> Bool in
            state.closed = true
            defer { state.logClosing = true }
            return !state.logClosing
        }
        roomFreed.notifyAll()
        dataArrived.notifyAll()
        // Queued after every acknowledgement already requested, so none is lost.
        await onQueue { if first { self.closeLogNow() } }
    }
}
