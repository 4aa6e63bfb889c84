import Synchronization

/// How long delivery attempts took: a cumulative histogram with fixed bounds (seconds), the
/// sum and the count, like a Prometheus histogram, so /metrics can expose
/// `outrider_exporter_send_duration_seconds` without a metrics library.
public final class SendDurations: Sendable {
    /// Upper bounds in seconds, from a fast local backend to a request that hit its timeout.
    public static let bounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

    public struct Snapshot: Sendable, Hashable {
        /// Attempts at most `bounds[i]` seconds long, for each bound (cumulative).
        public var buckets: [UInt64]
        public var count: UInt64
        public var sumSeconds: Double
    }

    private let state = Mutex(Snapshot(buckets: Array(repeating: 0, count: SendDurations.bounds.count), count: 0, sumSeconds: 0))

    public init() {}

    public func record(_ duration: Duration) {
        let seconds = max(0, Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18)
        let first = Self.bounds.firstIndex { seconds <= $0 } ?? Self.bounds.count
        state.withLock { state in
            for index in first..<Self.bounds.count { state.buckets[index] += 1 }
            state.count += 1
            state.sumSeconds += seconds
        }
    }

    public var snapshot: Snapshot { state.withLock { $0 } }
}
