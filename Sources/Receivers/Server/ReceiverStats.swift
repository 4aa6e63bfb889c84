import Synchronization
import Telemetry

/// A receiver's counters, cumulative since it was made; the agent copies them to /metrics
/// (`outrider_receiver_*`). One lock per request, never per item.
public final class ReceiverStats: Sendable {
    /// Why items a sender sent did not enter the pipeline. Requests refused whole before
    /// decoding (malformed, too large, wrong type) carry no item count: they show in
    /// `requests` by status code instead.
    public enum Refusal: String, Sendable, Hashable, CaseIterable {
        /// A `block` buffer was full; the sender was told to retry (503).
        case full
        /// The decoder left them out (partial_success: invalid ids, unusable values).
        case rejected
        /// The pipeline's buffers were closed: the agent is stopping (503).
        case shutdown
    }

    /// The `signal` label of requests to a path that names none (404).
    public static let unknownSignal = "unknown"

    /// The `code` of a request whose client left before its answer could be sent. Its items
    /// were taken (they count as accepted); an SDK that timed out sends them again.
    public static let clientLeft = 0

    public struct RequestKey: Sendable, Hashable {
        public var signal: String
        public var code: Int
    }

    public struct RefusalKey: Sendable, Hashable {
        public var signal: Signal
        public var reason: Refusal
    }

    public struct Snapshot: Sendable, Hashable {
        /// Requests answered, by signal and status code (`clientLeft` for those not answered).
        public var requests: [RequestKey: UInt64] = [:]
        /// Items (spans, log records, data points) handed to the pipeline.
        public var acceptedItems: [Signal: UInt64] = [:]
        public var refusedItems: [RefusalKey: UInt64] = [:]
        /// Request body bytes read, as sent (compressed when gzip).
        public var bodyBytes: [String: UInt64] = [:]
        /// Connections closed on arrival because `maxConnections` were open.
        public var refusedConnections: UInt64 = 0

        public init() {}

        public func requests(_ signal: Signal?, code: Int) -> UInt64 {
            requests[RequestKey(signal: signal?.rawValue ?? ReceiverStats.unknownSignal, code: code)] ?? 0
        }

        public func refused(_ signal: Signal, _ reason: Refusal) -> UInt64 {
            refusedItems[RefusalKey(signal: signal, reason: reason)] ?? 0
        }
    }

    /// One answered request, as the handler saw it.
    struct Record: Sendable {
        var signal: Signal?
        var code: Int
        var bodyBytes: Int
        var accepted = 0
        var refused: [(Refusal, Int)] = []
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func connectionRefused() {
        state.withLock { $0.refusedConnections += 1 }
    }

    func record(_ record: Record) {
        let signal = record.signal?.rawValue ?? Self.unknownSignal
        state.withLock { state in
            state.requests[RequestKey(signal: signal, code: record.code), default: 0] += 1
            if record.bodyBytes > 0 { state.bodyBytes[signal, default: 0] += UInt64(record.bodyBytes) }
            guard let known = record.signal else { return }
            if record.accepted > 0 { state.acceptedItems[known, default: 0] += UInt64(record.accepted) }
            for (reason, count) in record.refused where count > 0 {
                state.refusedItems[RefusalKey(signal: known, reason: reason), default: 0] += UInt64(count)
            }
        }
    }
}
