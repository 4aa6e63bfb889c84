import HostMetrics
import Synchronization
import Telemetry

/// Runs collections for scrapes and for the interval loop, one at a time. A caller that
/// had to wait for another caller's collection uses its result when that collection
/// started after the caller arrived (so it is as fresh as one of its own); otherwise it
/// collects. Ten Prometheus replicas scraping at once cost one collection, and no scrape
/// ever sees values older than its own request.
final class ScrapeCoalescer: Sendable {
    struct Result: Sendable {
        var started: ContinuousClock.Instant
        var outcome: HostMetricsCollection.Outcome
        var text: [UInt8]
    }

    private let collection: HostMetricsCollection
    private let last = Mutex<Result?>(nil)
    private let onCollect: @Sendable (HostMetricsCollection.Outcome) -> Void

    /// - Parameter onCollect: told of every collection actually run (for failure reporting).
    init(collection: HostMetricsCollection, onCollect: @escaping @Sendable (HostMetricsCollection.Outcome) -> Void) {
        self.collection = collection
        self.onCollect = onCollect
    }

    func fresh() -> Result {
        let arrival = ContinuousClock.now
        return last.withLock { last -> Result in
            if let cached = last, cached.started >= arrival { return cached }
            let started = ContinuousClock.now
            let outcome = collection.collect()
            var text: [UInt8] = []
            text.reserveCapacity(last?.text.count ?? 16 * 1024)
            PrometheusText.write(outcome.families, into: &text)
            let result = Result(started: started, outcome: outcome, text: text)
            last = result
            // Under the lock, so reports arrive in the order collections ran, once each.
            onCollect(outcome)
            return result
        }
    }
}
