/// One delivery attempt as the loop records it: how it ended and, when the sender knows,
/// the bytes it wrote (the request body after compression).
public struct SendAttempt: Sendable, Hashable {
    public var outcome: SendOutcome
    /// Nil when the sender does not measure; the loop then counts the batch's estimate.
    public var bytes: Int?

    public init(_ outcome: SendOutcome, bytes: Int? = nil) {
        self.outcome = outcome
        self.bytes = bytes
    }
}
