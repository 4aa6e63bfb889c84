/// An exporter's `retry:` settings: exponential backoff with full jitter between the
/// attempts of one batch, bounded in total by `maxElapsed`.
///
/// Full jitter (a uniform wait between zero and the exponential ceiling) spreads the
/// retries of many agents that lost the same backend at the same moment, so they do not
/// come back in lockstep and knock it over again.
public struct RetryPolicy: Sendable, Hashable {
    public var initialBackoff: Duration
    public var maxBackoff: Duration
    /// How long one batch is retried, from its first attempt, before it is dropped and
    /// counted; `.zero` retries forever (a durable buffer behind a backend worth waiting for).
    public var maxElapsed: Duration

    public init(
        initialBackoff: Duration = .milliseconds(500), maxBackoff: Duration = .seconds(30),
        maxElapsed: Duration = .seconds(600)
    ) {
        self.initialBackoff = max(.zero, initialBackoff)
        self.maxBackoff = max(self.initialBackoff, maxBackoff)
        self.maxElapsed = max(.zero, maxElapsed)
    }

    /// The longest wait before retry number `retry` (0 before the second attempt):
    /// `initialBackoff · 2^retry`, capped at `maxBackoff`.
    public func ceiling(forRetry retry: Int) -> Duration {
        var ceiling = initialBackoff
        // Doubling stops at the cap, so a batch retried for days cannot overflow.
        for _ in 0..<max(0, retry) {
            if ceiling >= maxBackoff / 2 { return maxBackoff }
            ceiling *= 2
        }
        return min(ceiling, maxBackoff)
    }

    /// The wait before retry number `retry`: `unit` (uniform in 0...1) of the ceiling, but
    /// never less than the backend's Retry-After.
    public func delay(forRetry retry: Int, retryAfter: Duration?, unit: Double) -> Duration {
        let jittered = ceiling(forRetry: retry) * min(1, max(0, unit))
        guard let retryAfter else { return jittered }
        return max(jittered, retryAfter)
    }

    /// Whether a batch first tried `elapsed` ago may wait `delay` and try again. Like the
    /// OpenTelemetry Collector, a retry that would end past `maxElapsed` is not started.
    public func allowsRetry(elapsed: Duration, delay: Duration) -> Bool {
        maxElapsed == .zero || elapsed + delay <= maxElapsed
    }
}
