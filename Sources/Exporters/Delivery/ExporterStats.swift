import Pipeline
import Synchronization

/// One exporter's delivery counters, written by its delivery loop and read by /metrics
/// (`outrider_exporter_sent_events_total{exporter}`, `outrider_exporter_sent_bytes_total`,
/// `outrider_exporter_requests_total{exporter,result}`, `outrider_exporter_retries_total`)
/// and /status. Dropped events are counted in the buffer's `stats.dropped`, with the
/// buffer's own drops, so one family holds every loss.
public final class ExporterStats: Sendable {
    /// `result` label values of `requests`.
    public static let success = "success"
    public static let retryable = "retryable"
    public static let permanent = "permanent"

    private let events = Atomic<UInt64>(0)
    private let bytes = Atomic<UInt64>(0)
    private let retryCount = Atomic<UInt64>(0)
    /// Attempts by how they ended: `success`, `retryable`, `permanent`.
    public let requests = CounterSet(preset: [ExporterStats.success, ExporterStats.retryable, ExporterStats.permanent])
    public let sendDurations = SendDurations()
    private let failure = Mutex<String?>(nil)

    public init() {}

    /// Events delivered (acknowledged by the backend).
    public var sentEvents: UInt64 { events.load(ordering: .relaxed) }
    /// Bytes of delivered requests as written (after compression).
    public var sentBytes: UInt64 { bytes.load(ordering: .relaxed) }
    /// Attempts after a batch's first.
    public var retries: UInt64 { retryCount.load(ordering: .relaxed) }
    /// Why the last failed attempt failed, while the backend is failing; nil once an attempt
    /// succeeds again (for /status).
    public var lastError: String? { failure.withLock { $0 } }

    func recordDelivered(events: Int, bytes: Int) {
        requests.add(1, Self.success)
        self.events.add(UInt64(max(0, events)), ordering: .relaxed)
        self.bytes.add(UInt64(max(0, bytes)), ordering: .relaxed)
    }

    func recordRetry() {
        retryCount.add(1, ordering: .relaxed)
    }

    /// Remembers a failed attempt's reason; true when the backend was healthy until now,
    /// so the loop logs the start of an outage once, not once per attempt.
    func recordFailure(_ reason: String) -> Bool {
        failure.withLock { failure in
            defer { failure = reason }
            return failure == nil
        }
    }

    /// Clears the failure; true when there was one (the outage is over).
    func recordRecovery() -> Bool {
        failure.withLock { $0.take() != nil }
    }
}
