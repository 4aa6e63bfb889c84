import HostMetrics
import Synchronization
import Telemetry

/// Runs collections for scrapes and for the interval loop, one at a time. A caller that
/// had to wait for another caller's collection uses its result when that collection
/// started after the caller arrived (so it is as fresh as one of its own) and has what the
/// caller needs; otherwise it collects. Ten Prometheus replicas scraping at once cost one
/// collection, and no scrape ever sees values older than its own request.
///
/// A scrape needs only the text: its collection is rendered straight to bytes, without
/// building `MetricFamily` values. The families are built when a caller asks for them (the
/// interval loop feeding metrics pipelines), and then rendered for the scrapes too.
final class ScrapeCoalescer: Sendable {
    struct Result: Sendable {
        var started: ContinuousClock.Instant
        var failures: [HostMetricsCollection.Failure]
        /// Nil when the collection was for scrapes only.
        var families: [MetricFamily]?
        var text: [UInt8]
    }

    private let collection: HostMetricsCollection
    private let last = Mutex<Result?>(nil)
    private let onCollect: @Sendable ([HostMetricsCollection.Failure]) -> Void

    /// - Parameter onCollect: told of every collection actually run (for failure reporting).
    init(collection: HostMetricsCollection, onCollect: @escaping @Sendable ([HostMetricsCollection.Failure]) -> Void) {
        self.collection = collection
        self.onCollect = onCollect
    }

    /// - Parameter families: whether the result must carry `families`.
    func fresh(families: Bool = false) -> Result {
        let arrival = ContinuousClock.now
        return last.withLock { last -> Result in
            if let cached = last, cached.started >= arrival, !families || cached.families != nil { return cached }
            let started = ContinuousClock.now
            var writer = PrometheusTextWriter(reservingCapacity: last?.text.count ?? 16 * 1024)
            // Freed before collecting, so the allocator hands its memory to this collection.
            last = nil
            let result: Result
            if families {
                let outcome = collection.collect()
                for family in outcome.families {
                    writer.write(family)
                }
                result = Result(started: started, failures: outcome.failures, families: outcome.families, text: writer.bytes)
            } else {
                let failures = collection.write(to: &writer)
                result = Result(started: started, failures: failures, families: nil, text: writer.bytes)
            }
            last = result
            // Under the lock, so reports arrive in the order collections ran, once each.
            onCollect(result.failures)
            return result
        }
    }
}
