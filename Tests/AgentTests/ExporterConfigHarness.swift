import Agent
import Exporters
import Logging
import YAML

/// What the exporter config tests share: one exporter, written as a user writes it under
/// `exporters.out`, through the real loader; and the sender its config makes, built as the
/// agent builds it.
struct ExporterConfigHarness {
    let loader = ConfigLoader(catalog: .standard, environment: EnvironmentSubstitution([:]))

    /// `exporter` is the exporter's keys, unindented. With `signal`, the document also has
    /// a pipeline of that signal from a source of it into `out`, for exporters that take
    /// only some signals (and say so when used for another).
    func load(_ exporter: String, signal: String? = nil) throws(ConfigLoadError) -> any ComponentConfig {
        var lines = ["exporters:", "  out:"] + exporter.split(separator: "\n").map { "    " + $0 }
        if let signal {
            lines = ["sources:", "  host: {type: host_metrics}", "  demo: {type: demo_logs}"] + lines + [
                "pipelines:", "  \(signal): {sources: [\(signal == "logs" ? "demo" : "host")], exporters: [out]}",
            ]
        }
        let document = lines.joined(separator: "\n")
        return try loader.load(bytes: Array(document.utf8), file: "outrider.yaml").config.exporters[0].config
    }

    /// The messages without their positions (the loader's tests cover those), sorted, so a
    /// list of expected messages need not follow the file's order.
    func errors(_ exporter: String, signal: String? = nil) -> [String] {
        do {
            _ = try load(exporter, signal: signal)
            return []
        } catch {
            guard case .invalid(let errors) = error else { return ["unexpected: \(error)"] }
            return errors.errors.map { String($0.description.split(separator: " ", maxSplits: 1)[1]) }.sorted()
        }
    }

    /// The sender `config` makes with the agent's context; the HTTP client it was given is
    /// shut down before returning, as the tests only look at what the sender was built with.
    static func sender(_ config: any ExporterConfig) async throws -> any ExportSender {
        let http = SharedHTTPClient()
        let context = ComponentContext(
            name: "out", kind: .exporter, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
            health: HealthRegistry().register(name: "out", kind: "exporter", gatesReadiness: false), clock: .system,
            metrics: SelfMetrics(), http: http)
        let sender = try config.makeSender(context)
        try await http.shutdown()
        return sender
    }
}
