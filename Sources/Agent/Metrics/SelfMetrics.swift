import Telemetry
import Prometheus

/// The agent's own metrics: a Prometheus registry components register into, plus the
/// process and build series every exporter of this kind is expected to have.
public final class SelfMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let process: ProcessMetrics
    let configReloadSuccesses: Counter
    let configReloadFailures: Counter
    let configLastReloadSuccessful: Gauge
    let configLastReloadSuccessTime: Gauge

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), procRoot: String = "/proc") {
        self.registry = registry
        self.process = ProcessMetrics(procRoot: procRoot)
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

    /// The /metrics body in Prometheus text exposition format 0.0.4.
    public func exposition() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(8 * 1024)
        registry.emit(into: &out)
        process.write(into: &out)
        return out
    }
}

extension MetricNameDescriptor {
    /// `outrider_<name>[_<unit>]`: every metric of the agent's own carries the prefix.
    public static func outrider(_ name: String, unit: String = "", help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "outrider", metricName: name, unitName: unit, helpText: help)
    }
}
