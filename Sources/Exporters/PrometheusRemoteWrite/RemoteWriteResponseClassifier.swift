/// Reads a remote_write receiver's answer as the spec asks senders to: 2xx delivered; 5xx
/// and 429 retried (honouring Retry-After); every other status — 400 for a sample out of
/// order or a malformed series, 408, 413 — refuses this request for good, since sending it
/// again would fail the same way and hold up the series behind it.
public struct RemoteWriteResponseClassifier: ResponseClassifier {
    public init() {}

    public func classify(status: Int, retryAfter: Duration?, body: [UInt8]) -> SendOutcome {
        switch status {
        case 200..<300:
            .delivered
        case 429, 500..<600:
            .retryable(reason: DefaultResponseClassifier.reason(status: status, body: body), retryAfter: retryAfter)
        default:
            .permanent(reason: DefaultResponseClassifier.reason(status: status, body: body))
        }
    }
}
