import HostMetrics
import Prometheus
import Synchronization
import Telemetry

/// Everything /metrics serves: the agent's own metrics (a Prometheus registry components
/// register into, the process and build series) and what scrape sources such as the
/// `host_metrics` source render at scrape time.
public final class SelfMetrics: Sendable {
    /// Renders a component's families into the /metrics body, fresh at each scrape.
    public typealias ScrapeSource = @Sendable (inout [UInt8]) -> Void

    public let registry: PrometheusCollectorRegistry
    let process: SelfProcessCollector
    /// Buffers, exporters and processors of the running pipelines.
    let pipelines = PipelineStats()
    private let scrapeSources = Mutex<[(name: String, render: ScrapeSource)]>([])
    let configReloadSuccesses: Counter
    let configReloadFailures: Counter
    let configLastReloadSuccessful: Gauge
    let configLastReloadSuccessTime: Gauge

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), procRoot: String = "/proc") {
        self.registry = registry
        self.process = SelfProcessCollector(paths: HostPaths(procRoot: procRoot))
        registry.makeGauge(
            descriptor: .outrider("build", unit: "info",
                help: "A metric with a constant '1' value labeled by version, revision and Swift version of the build."),
            labels: [("version", BuildInfo.version), ("revision", BuildInfo.gitCommit), ("swift_version", BuildInfo.swiftVersion)]
        ).set(to: 1)
        let reloads = MetricNameDescriptor.outrider("config_reloads", unit: "total", help: "Config reloads (SIGHUP) by result.")
        configReloadSuccesses = registry.makeCounter(descriptor: reloads, labels: [("result", "success")])
        configReloadFailures = registry.makeCounter(descriptor: reloads, labels: [("result", "failure")])
        configLastReloadSuccessful = registry.makeGauge(
            descriptor: .outrider("config_last_reload_successful", help: "Whether the last config reload attempt was successful."))
        configLastReloadSuccessful.set(to: 1)
        configLastReloadSuccessTime = registry.makeGauge(
            descriptor: .outrider("config_last_reload_success_timestamp", unit: "seconds",
                help: "Timestamp of the last successful config load, in seconds since the epoch."))
    }

    func recordConfigLoad(success: Bool, at time: Timestamp) {
        configLastReloadSuccessful.set(to: success ? 1 : 0)
        if success { configLastReloadSuccessTime.set(to: time.secondsSinceEpoch) }
    }

    func recordReload(success: Bool, at time: Timestamp) {
        (success ? configReloadSuccesses : configReloadFailures).increment()
        recordConfigLoad(success: success, at: time)
    }

    public func addScrapeSource(_ name: String, _ render: @escaping ScrapeSource) {
        scrapeSources.withLock { $0.append((name, render)) }
    }

    public func removeScrapeSource(_ name: String) {
        scrapeSources.withLock { $0.removeAll { $0.name == name } }
    }

    /// The /metrics body in Prometheus text exposition format 0.0.4.
    public func exposition() -> [UInt8] {
        var writer = PrometheusTextWriter(reservingCapacity: 32 * 1024)
        registry.emit(into: &writer.bytes)
        let checkpoint = writer.checkpoint
        do {
            try process.write(to: &writer)
        } catch {
            // Without a readable /proc the process_* series are left out rather than zero.
            writer.rewind(to: checkpoint)
        }
        PrometheusText.write(pipelines.families(), into: &writer.bytes)
        for source in scrapeSources.withLock({ $0 }) {
            source.render(&writer.bytes)
        }
        return writer.bytes
    }
}

extension MetricNameDescriptor {
    /// `outrider_<name>[_<unit>]`: every metric of the agent's own carries the prefix.
    public static func outrider(_ name: String, unit: String = "", help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "outrider", metricName: name, unitName: unit, helpText: help)
    }
}
