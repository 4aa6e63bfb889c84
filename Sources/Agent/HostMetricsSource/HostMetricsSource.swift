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
        self.coalescer = ScrapeCoalescer(collection: collection) { failures in
            health.count("collections")
            reporter.report(failures)
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
        try await deliver()
        context.health.ready()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let interval = config.interval.duration
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                break
            }
            try await deliver()
        }
    }

    /// One collection per interval, with or without pipelines to feed: it is what notices a
    /// failing collector when nobody scrapes.
    private func deliver() async throws {
        guard let output = context.output else {
            _ = coalescer.fresh()
            return
        }
        let families = coalescer.fresh(families: true).families ?? []
        // Waits while a `block` buffer is full (the next collection is simply later), but not
        // past SIGTERM, so a full buffer cannot hold up the exporters' drain.
        let batch = TelemetryBatch.metrics(MetricBatch(families: families, timestamp: context.clock.now()))
        try await cancelWhenGracefulShutdown { try await output.send(batch) }
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

    func report(_ failures: [HostMetricsCollection.Failure]) {
        // The usual case, on every scrape: nothing failing now or before.
        if failures.isEmpty, failing.withLock({ $0.isEmpty }) { return }
        let now = Set(failures.map(\.collector))
        let (started, recovered) = failing.withLock { failing -> (Set<String>, Set<String>) in
            defer { failing = now }
            return (now.subtracting(failing), failing.subtracting(now))
        }
        for failure in failures where started.contains(failure.collector) {
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
