import Agent
import ArgumentParser
import Logging
import Metrics
import Prometheus

/// `outrider run`: loads the config and runs the agent until SIGTERM/SIGINT.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the agent (the default command).",
        discussion: "Exit status: 0 after a clean shutdown, 1 if the config is invalid or the agent failed, 2 if the config file cannot be read.")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let path = options.path
        let loader = ConfigLoader()
        let loaded: LoadedConfig
        do {
            loaded = try loader.load(contentsOf: path)
        } catch {
            switch error {
            case .unreadable:
                StandardError.writeLine("error: \(error)")
                throw ExitCode(2)
            case .invalid(let errors):
                for problem in errors.errors { StandardError.writeLine("\(problem)") }
                StandardError.writeLine("\(path): invalid config, not starting")
                throw ExitCode(1)
            }
        }

        let logOutput = LogOutput(settings: loaded.config.log)
        LoggingSystem.bootstrap { label in AgentLogHandler(label: label, output: logOutput) }
        let metrics = SelfMetrics()
        // Libraries that report through swift-metrics land in the same /metrics registry.
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics.registry))

        let logger = Logger(label: "outrider")
        do {
            let runtime = try AgentRuntime(loaded: loaded, loader: loader, logOutput: logOutput, metrics: metrics)
            try await runtime.run()
        } catch {
            logger.critical("outrider stopped with an error", error: error)
            throw ExitCode(1)
        }
    }
}
