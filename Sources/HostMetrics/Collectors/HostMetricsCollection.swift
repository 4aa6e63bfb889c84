import Synchronization
import Telemetry

/// Runs the enabled collectors and keeps their failure counts. A collector that fails is
/// skipped for that round; the others go on, and the failure is visible in
/// `outrider_collector_errors_total{collector}` and in `failures` for /status.
public final class HostMetricsCollection: Sendable {
    public struct Failure: Sendable, Hashable {
        public var collector: String
        public var message: String
    }

    public struct Outcome: Sendable {
        public var families: [MetricFamily]
        public var failures: [Failure]
    }

    public let collectors: [any HostCollector]
    private let errorCounts: Mutex<[String: Int]>

    public init(collectors: [any HostCollector]) {
        self.collectors = collectors
        self.errorCounts = Mutex(Dictionary(uniqueKeysWithValues: collectors.map { ($0.name, 0) }))
    }

    public func collect() -> Outcome {
        var families: [MetricFamily] = []
        families.reserveCapacity(64)
        var failures: [Failure] = []
        for collector in collectors {
            var produced: [MetricFamily] = []
            do {
                try collector.collect(into: &produced)
                families.append(contentsOf: produced)
            } catch {
                failures.append(Failure(collector: collector.name, message: String(describing: error)))
            }
        }
        let counts = errorCounts.withLock { counts in
            for failure in failures { counts[failure.collector, default: 0] += 1 }
            return counts
        }
        var errors = MetricFamily(
            name: "outrider_collector_errors_total", help: "Collections in which a host metrics collector failed, by collector.",
            kind: .counter)
        for collector in collectors {
            errors.add(Double(counts[collector.name] ?? 0), ["collector": collector.name])
        }
        families.append(errors)
        return Outcome(families: families, failures: failures)
    }
}
