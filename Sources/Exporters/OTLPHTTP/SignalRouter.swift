import Telemetry

/// Sends each signal to its own sender: an `otlp_http` exporter has one endpoint (and one
/// `HTTPSender`) per signal, behind the one delivery loop its buffer feeds.
///
/// Buffers hand out delivery batches of one signal, which go straight to that signal's
/// sender. A mixed batch is split and sent signal by signal, and the outcomes combined:
/// a retryable failure of one part retries the whole batch, so the parts already
/// delivered are sent again (at least once, never lost); parts refused for good are
/// counted as rejected, unless every part was, which is a permanent failure. A part's
/// server can reject at most that part's events: one backend's miscount cannot mark
/// events another backend took as dropped.
public final class SignalRouter: ExportSender {
    public let senders: [Signal: any ExportSender]

    public init(_ senders: [Signal: any ExportSender]) {
        self.senders = senders
    }

    public func send(_ batches: [TelemetryBatch]) async -> SendOutcome {
        await attempt(batches).outcome
    }

    public func attempt(_ batches: [TelemetryBatch]) async -> SendAttempt {
        guard let signal = batches.first?.signal else { return SendAttempt(.delivered, bytes: 0) }
        if batches.allSatisfy({ $0.signal == signal }) { return await attempt(signal, batches) }

        var bytes: Int? = 0
        var rejected = 0
        var reasons: [String] = []
        var refusedParts = 0
        let parts = Signal.allCases.map { signal in (signal, batches.filter { $0.signal == signal }) }.filter { !$0.1.isEmpty }
        for (signal, part) in parts {
            let result = await attempt(signal, part)
            bytes = result.bytes.flatMap { sent in bytes.map { $0 + sent } }
            switch result.outcome {
            case .delivered:
                continue
            case .partiallyDelivered(let count, let reason):
                rejected += min(max(count, 0), part.reduce(0) { $0 + $1.eventCount })
                reasons.append("\(signal): \(reason)")
            case .permanent(let reason):
                rejected += part.reduce(0) { $0 + $1.eventCount }
                refusedParts += 1
                reasons.append("\(signal): \(reason)")
            case .retryable:
                return SendAttempt(result.outcome, bytes: nil)
            }
        }
        let reason = reasons.joined(separator: "; ")
        if refusedParts == parts.count { return SendAttempt(.permanent(reason: reason), bytes: bytes) }
        return SendAttempt(rejected > 0 ? .partiallyDelivered(rejected: rejected, reason: reason) : .delivered, bytes: bytes)
    }

    public func shutdown() async {
        for sender in senders.values { await sender.shutdown() }
    }

    private func attempt(_ signal: Signal, _ batches: [TelemetryBatch]) async -> SendAttempt {
        guard let sender = senders[signal] else {
            return SendAttempt(.permanent(reason: "this exporter has no \(signal) endpoint"))
        }
        return await sender.attempt(batches)
    }
}
