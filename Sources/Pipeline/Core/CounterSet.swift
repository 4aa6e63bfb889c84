import Synchronization

/// Counters by label value (a drop reason, a result): the pipeline's own metrics, read by
/// the agent for /metrics and /status. Increments are per batch, not per event, so one
/// lock is cheap.
public final class CounterSet: Sendable {
    private let counts = Mutex<[String: UInt64]>([:])

    public init(preset keys: [String] = []) {
        counts.withLock { counts in for key in keys { counts[key] = 0 } }
    }

    public func add(_ amount: Int, _ key: String) {
        guard amount > 0 else { return }
        counts.withLock { $0[key, default: 0] += UInt64(amount) }
    }

    public var snapshot: [String: UInt64] { counts.withLock { $0 } }

    public var total: UInt64 { snapshot.values.reduce(0, +) }

    public subscript(key: String) -> UInt64 { counts.withLock { $0[key] ?? 0 } }
}
