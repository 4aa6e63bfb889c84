import Testing
@testable import Exporters

@Suite("Delivery: retry policy")
struct DeliveryRetryPolicyTests {
    let policy = RetryPolicy(initialBackoff: .milliseconds(500), maxBackoff: .seconds(30), maxElapsed: .seconds(600))

    @Test("ceilings double from initial_backoff and stop at max_backoff")
    func ceilings() {
        let ceilings = (0..<9).map { policy.ceiling(forRetry: $0) }
        #expect(ceilings == [
            .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(30), .seconds(30),
            .seconds(30),
        ])
        #expect(policy.ceiling(forRetry: 10_000) == .seconds(30), "days of retries do not overflow")
    }

    @Test("full jitter: anywhere from zero to the ceiling")
    func jitter() {
        #expect(policy.delay(forRetry: 3, retryAfter: nil, unit: 0) == .zero)
        #expect(policy.delay(forRetry: 3, retryAfter: nil, unit: 0.5) == .seconds(2))
        #expect(policy.delay(forRetry: 3, retryAfter: nil, unit: 1) == .seconds(4))
        #expect(policy.delay(forRetry: 3, retryAfter: nil, unit: 7) == .seconds(4), "a bad draw is clamped")
    }

    @Test("Retry-After is a floor, not a replacement")
    func retryAfterFloor() {
        #expect(policy.delay(forRetry: 0, retryAfter: .seconds(7), unit: 1) == .seconds(7))
        #expect(policy.delay(forRetry: 6, retryAfter: .seconds(7), unit: 1) == .seconds(30))
    }

    @Test("max_elapsed bounds first attempt to end of the next wait; zero means forever")
    func maxElapsed() {
        #expect(policy.allowsRetry(elapsed: .seconds(590), delay: .seconds(10)))
        #expect(!policy.allowsRetry(elapsed: .seconds(590), delay: .seconds(11)))
        let forever = RetryPolicy(initialBackoff: .seconds(1), maxBackoff: .seconds(30), maxElapsed: .zero)
        #expect(forever.allowsRetry(elapsed: .seconds(86_400 * 365), delay: .seconds(30)))
    }

    @Test("inconsistent settings are made consistent")
    func normalised() {
        let odd = RetryPolicy(initialBackoff: .seconds(5), maxBackoff: .seconds(1), maxElapsed: .seconds(-1))
        #expect(odd.maxBackoff == .seconds(5) && odd.maxElapsed == .zero)
    }
}
