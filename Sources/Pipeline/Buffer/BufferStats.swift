import Synchronization

/// A buffer's state for /metrics (`outrider_buffer_events`, `outrider_buffer_bytes`,
/// `outrider_buffer_capacity_bytes`, `outrider_buffer_dropped_total{reason}`) and /status.
public final class BufferStats: Sendable {
    public static let droppedFull = "buffer_full"

    public let kind: String
    public let capacityBytes: Int
    public let capacityEvents: Int
    private let eventsNow = Atomic<Int>(0)
    private let bytesNow = Atomic<Int>(0)
    /// Dropped events by reason: `buffer_full`, and the delivery loop's reasons.
    public let dropped = CounterSet(preset: [BufferStats.droppedFull])

    public init(kind: String, capacityBytes: Int, capacityEvents: Int) {
        self.kind = kind
        self.capacityBytes = capacityBytes
        self.capacityEvents = capacityEvents
    }

    public var events: Int { eventsNow.load(ordering: .relaxed) }
    public var bytes: Int { bytesNow.load(ordering: .relaxed) }

    /// Buffers publish their totals after each change, under their own lock.
    public func set(events: Int, bytes: Int) {
        eventsNow.store(events, ordering: .relaxed)
        bytesNow.store(bytes, ordering: .relaxed)
    }
}
