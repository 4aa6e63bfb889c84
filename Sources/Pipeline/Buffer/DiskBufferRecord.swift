import Telemetry

/// What the disk buffer remembers of one unacknowledged log record: enough to account for
/// it, batch it and drop it without touching the disk. About 64 bytes per record, and a
/// record is a whole source batch (a read chunk, an OTLP request), not one event.
struct DiskBufferRecord {
    enum Phase: Equatable {
        /// On disk, not yet taken for delivery (the only phase `drop_oldest` may drop).
        case unread
        /// Taken: `parts` delivery batches hold pieces of it, and `remainder` says a split
        /// piece still waits in memory to be taken.
        case out(parts: Int, remainder: Bool)
        /// Delivered, dropped or corrupt: may be acknowledged once every earlier record is.
        case done
    }

    let position: UInt64
    let events: Int
    /// Estimated in-memory bytes (`TelemetryBatch.estimatedBytes`), what batch limits count.
    let bytes: Int
    /// When it was appended, for `max_wait`; nil for records replayed at startup, which are
    /// due at once.
    let appended: ContinuousClock.Instant?
    /// Nil for a corrupt record (never delivered).
    let signal: Signal?
    var phase: Phase
}
