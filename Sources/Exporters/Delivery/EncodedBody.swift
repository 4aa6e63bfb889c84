/// A request body and what its encoder had to leave out of it.
public struct EncodedBody: Sendable, Hashable {
    public var bytes: [UInt8]
    /// Events (log records, samples, spans) of the batches that are not in `bytes`.
    public var rejected: Int
    /// Why, naming the first of them; empty when nothing was left out.
    public var reason: String

    public init(_ bytes: [UInt8], rejected: Int = 0, reason: String = "") {
        self.bytes = bytes
        self.rejected = rejected
        self.reason = reason
    }
}

extension SendOutcome {
    /// This outcome with `body`'s left-out events added as rejected: a delivered body that
    /// lacks some events is a partial delivery, and rejections the backend reported add up
    /// with the encoder's. A failed attempt stays as it is (the events are left out again
    /// on a retry, and a permanent failure drops them all).
    public func addingRejected(of body: EncodedBody) -> SendOutcome {
        guard body.rejected > 0 else { return self }
        switch self {
        case .delivered:
            return .partiallyDelivered(rejected: body.rejected, reason: body.reason)
        case .partiallyDelivered(let rejected, let reason):
            // Saturating: a backend may claim any count (it is capped at the batch later).
            let (sum, overflow) = rejected.addingReportingOverflow(body.rejected)
            return .partiallyDelivered(rejected: overflow ? .max : sum, reason: reason + "; " + body.reason)
        case .retryable, .permanent:
            return self
        }
    }
}
