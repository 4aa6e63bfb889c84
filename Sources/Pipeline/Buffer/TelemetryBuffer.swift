import Telemetry

/// What a buffer does when it has no room for a batch (`buffer.when_full`).
public enum WhenFull: String, Sendable, Hashable, CaseIterable {
    /// The sender waits: the file tailer stops reading, the OTLP receiver answers 503.
    case block
    /// The incoming batch is dropped and counted.
    case dropNewest = "drop_newest"
    /// The oldest queued batches are dropped and counted to make room.
    case dropOldest = "drop_oldest"
}

/// A batch on its way into a buffer, with its size measured once.
public struct BufferItem: Sendable {
    public var batch: TelemetryBatch
    public var acknowledgement: Acknowledgement?
    public let events: Int
    public let bytes: Int

    public init(_ batch: TelemetryBatch, acknowledgement: Acknowledgement? = nil) {
        self.batch = batch
        self.acknowledgement = acknowledgement
        self.events = batch.eventCount
        self.bytes = batch.estimatedBytes
    }
}

/// How a buffer took an item.
public enum AppendResult: Sendable, Hashable {
    /// Buffered. Under `drop_oldest` older batches may have been dropped for it.
    case accepted
    /// `block` policy, no room, and the caller asked not to wait. The item was not taken and
    /// its acknowledgement not touched: the caller refuses the data upstream (503).
    case full
    /// Dropped by `drop_newest` (counted; its acknowledgement finished as dropped).
    case dropped
}

/// What `append` does under `block` when an item does not fit. The drop policies never
/// wait, whatever is asked.
public enum BlockedAppend: Sendable, Hashable {
    /// Wait until room is freed: a tailer's back-pressure.
    case wait
    /// Leave the item and return `.full`, for a sender that refuses its data upstream.
    case refuse
    /// Take the item past the bound: for a sender that checked `hasRoom` for all it sends
    /// first (`SourceOutput.trySend`), which must neither wait nor send half of it when a
    /// concurrent sender took the room in between.
    case admit
}

public enum BufferError: Error, Sendable, Hashable {
    /// The buffer was closed (shutdown) before the item could be taken.
    case closed
    /// The waiting task was cancelled.
    case cancelled
}

/// Limits of one delivery batch (`batch.max_events`, `max_bytes`, `max_wait`).
public struct BatchLimits: Sendable, Hashable {
    public var maxEvents: Int
    public var maxBytes: Int
    public var maxWait: Duration

    public init(maxEvents: Int = 1000, maxBytes: Int = 1 << 20, maxWait: Duration = .seconds(1)) {
        self.maxEvents = max(1, maxEvents)
        self.maxBytes = max(1, maxBytes)
        self.maxWait = maxWait
    }
}

/// One delivery batch taken from a buffer: the events, grouped by resource as they came,
/// and the receipt the buffer needs back once the batch is done.
public struct BufferedBatch: Sendable {
    public var batches: [TelemetryBatch]
    public let events: Int
    public let bytes: Int
    let receipt: Receipt

    enum Receipt: Sendable {
        /// Memory: the acknowledgements to finish, one part each.
        case memory([Acknowledgement])
        /// Disk: a token the disk buffer resolves to log positions.
        case disk(UInt64)
    }

    init(batches: [TelemetryBatch], events: Int, bytes: Int, receipt: Receipt) {
        self.batches = batches
        self.events = events
        self.bytes = bytes
        self.receipt = receipt
    }
}

/// One exporter's buffer: where its pipelines put batches and its delivery loop takes them.
///
/// Sizes are bounded in bytes and events; what happens at the bound is `whenFull`. A batch
/// taken for delivery still counts against the bounds until it is completed, so a slow
/// backend never makes a buffer grow. Two exceptions pass the bound, each by a bounded
/// amount: an item larger than the whole buffer is taken when the buffer is empty (one
/// item), and `BlockedAppend.admit` takes what a sender checked room for even if another
/// sender filled the room meanwhile (at most one OTLP request per concurrent sender: one
/// request of up to `max_body_bytes`, decoded, per open connection of the receiver).
public protocol TelemetryBuffer: AnyObject, Sendable {
    var whenFull: WhenFull { get }
    var stats: BufferStats { get }

    /// Whether what is buffered survives a restart (the disk buffer). At shutdown the
    /// delivery loop leaves a durable buffer's undelivered batches uncompleted, to be sent
    /// on the next start, and counts a memory buffer's as dropped.
    var isDurable: Bool { get }

    /// Takes `item`, or applies the drop policy. Under `block` with no room, `ifBlocked`
    /// decides: wait for room, return `.full`, or take it anyway. Throws `.closed` after
    /// `close()`, `.cancelled` if cancelled waiting.
    func append(_ item: BufferItem, ifBlocked: BlockedAppend) async throws(BufferError) -> AppendResult

    /// Whether an item of this size would be taken now without waiting or dropping: a
    /// sender fanning out to several buffers checks all first, so one full buffer does not
    /// leave the others with a copy the sender will send again. Throws `.closed` after
    /// `close()`: a stopping agent is not a full buffer, and its sender says so.
    func hasRoom(events: Int, bytes: Int) throws(BufferError) -> Bool

    /// The next delivery batch: waits for the first event, then until `limits` are reached
    /// or `maxWait` has passed since, or the buffer closed. Nil once closed and drained (a
    /// disk buffer's unsent records stay on disk for the next start).
    func nextBatch(_ limits: BatchLimits) async -> BufferedBatch?

    /// Hands a batch back once delivered (`delivered: true`) or dropped after its drop was
    /// counted (`false`): frees its room, finishes acknowledgements, advances the disk log.
    func complete(_ batch: BufferedBatch, delivered: Bool)

    /// Stops intake; `nextBatch` drains what is left, then returns nil.
    func close() async
}

extension TelemetryBuffer {
    public var isDurable: Bool { false }
}
