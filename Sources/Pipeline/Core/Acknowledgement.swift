import Synchronization

/// End-to-end acknowledgement of one source batch (Vector's batch notifier). The source
/// creates it with its completion handler and hands it to the pipeline with the batch;
/// the pipeline adds one part per exporter the batch fans out to, and a buffer adds more
/// when it splits the batch. The handler runs exactly once, when every part has finished:
/// delivered (memory buffer), durably buffered (disk buffer), or dropped and counted.
///
/// A source advances its checkpoint only past batches whose acknowledgement completed, so
/// a crash replays whatever was still in flight: at least once, duplicates bounded by the
/// unacknowledged window.
public final class Acknowledgement: Sendable {
    public enum Outcome: Sendable, Hashable {
        /// Every part was delivered or durably buffered.
        case delivered
        /// At least one part was dropped (buffer policy, permanent error, shutdown). The drop
        /// is counted where it happened; the source may move on.
        case dropped
        /// At least one part never reached its buffer: the send was cancelled or the buffers
        /// closed (shutdown) while the source waited for room. Nothing was counted, because
        /// nothing is lost yet — the source must not move its checkpoint past this batch, so
        /// it sends it again after the restart.
        case notAccepted
    }

    private struct State {
        var pending = 1  // the creator's hold, released by whoever hands the batch on
        var dropped = false
        var notAccepted = false
    }

    private let state = Mutex(State())
    private let onComplete: @Sendable (Outcome) -> Void

    public init(_ onComplete: @escaping @Sendable (Outcome) -> Void) {
        self.onComplete = onComplete
    }

    /// Adds parts that will each call `finish` once. Only valid while unfinished.
    public func retain(_ parts: Int = 1) {
        state.withLock { state in
            precondition(state.pending > 0, "Acknowledgement retained after it completed")
            state.pending += parts
        }
    }

    /// Finishes one part.
    public func finish(_ outcome: Outcome) {
        let completed: Outcome? = state.withLock { state in
            precondition(state.pending > 0, "Acknowledgement finished more often than retained")
            state.pending -= 1
            switch outcome {
            case .delivered: break
            case .dropped: state.dropped = true
            case .notAccepted: state.notAccepted = true
            }
            guard state.pending == 0 else { return nil }
            return state.notAccepted ? .notAccepted : state.dropped ? .dropped : .delivered
        }
        if let completed { onComplete(completed) }
    }
}
