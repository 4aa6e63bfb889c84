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

    static let errors = MetricDescriptor(
        "outrider_collector_errors_total", help: "Collections in which a host metrics collector failed, by collector.", kind: .counter)

    public let collectors: [any HostCollector]
    /// Failed collections per collector, by position in `collectors`.
    private let errorCounts: Mutex<[Int]>

    public init(collectors: [any HostCollector]) {
        self.collectors = collectors
        self.errorCounts = Mutex(Array(repeating: 0, count: collectors.count))
    }

    /// One collection as families, for the metrics pipelines.
    public func collect() -> Outcome {
        var builder = MetricFamilyBuilder()
        let failures = write(to: &builder)
        return Outcome(families: builder.families, failures: failures)
    }

    /// One collection written to `writer` (a scrape renders it straight to text): each
    /// collector's families, then `outrider_collector_errors_total`. What a failing collector
    /// wrote before it failed is taken back.
    public func write(to writer: inout some MetricWriter) -> [Failure] {
        var failures: [Failure] = []
        var failed: [Int] = []
        for (index, collector) in collectors.enumerated() {
            let checkpoint = writer.checkpoint
            do {
                try collector.write(to: &writer)
            } catch {
                writer.rewind(to: checkpoint)
                failures.append(Failure(collector: collector.name, message: String(describing: error)))
                failed.append(index)
            }
        }
        let counts = errorCounts.withLock { counts in
            for index in failed { counts[index] += 1 }
            return counts
        }
        writer.family(Self.errors)
        for (collector, count) in zip(collectors, counts) {
            writer.sample(Double(count), ("collector", collector.name))
        }
        return failures
    }
}
