import HostMetrics
import Logging
import ServiceLifecycle
import Synchronization
import Telemetry

/// The `host_metrics` source: serves fresh values on /metrics at every scrape, and
/// delivers a batch to its metrics pipelines every `interval`.
struct HostMetricsSource: Service {
    let config: HostMetricsSourceConfig
    let context: ComponentContext
    let coalescer: ScrapeCoalescer

    init(config: HostMetricsSourceConfig, collection: HostMetricsCollection, context: ComponentContext) {
        self.config = config
        self.context = context
        let reporter = FailureReporter(logger: context.logger, health: context.health)
        let health = context.health
        self.coalescer = ScrapeCoalescer(collection: collection) { outcome in
            health.count("collections")
            reporter.report(outcome)
        }
    }

    func run() async throws {
        let coalescer = self.coalescer
        context.metrics.addScrapeSource(context.name) { out in out.append(contentsOf: coalescer.fresh().text) }
        defer { context.metrics.removeScrapeSource(context.name) }
        context.logger.info("host metrics source started", metadata: [
            "collectors": "\(config.collectors.map(\.rawValue).joined(separator: ","))",
            "interval": "\(config.interval)", "proc_root": "\(config.paths.procRoot)",
        ])
        try await deliver(coalescer.fresh())
        context.health.ready()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let interval = config.interval.duration
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                break
            }
            try await deliver(coalescer.fresh())
        }
    }

    private func deliver(_ result: ScrapeCoalescer.Result) async throws {
        guard let output = context.output else { return }
        // Waits while a `block` buffer is full: the next collection is simply later.
        try await output.send(.metrics(MetricBatch(families: result.outcome.families, timestamp: context.clock.now())))
    }
}

/// Says once when a collector starts failing and once when it recovers, instead of once
/// per scrape: a kernel without /proc/pressure should not flood the logs every 10s.
final class FailureReporter: Sendable {
    private let logger: Logger
    private let health: ComponentHealth
    private let failing = Mutex<Set<String>>([])

    init(logger: Logger, health: ComponentHealth) {
        self.logger = logger
        self.health = health
    }

    func report(_ outcome: HostMetricsCollection.Outcome) {
        let now = Set(outcome.failures.map(\.collector))
        let (started, recovered) = failing.withLock { failing -> (Set<String>, Set<String>) in
            defer { failing = now }
            return (now.subtracting(failing), failing.subtracting(now))
        }
        for failure in outcome.failures where started.contains(failure.collector) {
            logger.warning("collector failed; skipping it until it recovers", metadata: [
                "collector": "\(failure.collector)", "error": "\(failure.message)",
            ])
            health.recordError("collector \(failure.collector): \(failure.message)")
        }
        for collector in recovered.sorted() {
            logger.info("collector recovered", metadata: ["collector": "\(collector)"])
        }
    }
}
