/// Where the delivery loop reads time, waits and draws jitter, so tests can drive backoff
/// without waiting for it and assert exact delays.
public struct DeliveryTiming: Sendable {
    /// Monotonic time since an arbitrary origin: `max_elapsed` and send durations.
    public var now: @Sendable () -> Duration
    /// Waits `duration`; throws when the task is cancelled (shutdown), ending the retries.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// Uniform in 0...1: the jitter's share of the backoff ceiling.
    public var random: @Sendable () -> Double

    public init(
        now: @escaping @Sendable () -> Duration, sleep: @escaping @Sendable (Duration) async throws -> Void,
        random: @escaping @Sendable () -> Double
    ) {
        self.now = now
        self.sleep = sleep
        self.random = random
    }

    public static let system: DeliveryTiming = {
        let origin = ContinuousClock.now
        return DeliveryTiming(
            now: { ContinuousClock.now - origin },
            sleep: { try await Task.sleep(for: $0) },
            random: { Double.random(in: 0...1) })
    }()
}
