import Agent
import ArgumentParser
import Logging
import Metrics
import NIOPosix
import Prometheus

/// `outrider run`: loads the config and runs the agent until SIGTERM/SIGINT.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the agent (the default command).",
        discussion: "Exit status: 0 after a clean shutdown, 1 if the config is invalid or the agent failed, 2 if the config file cannot be read.")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let loader = ConfigLoader()
        let loaded = try options.load(with: loader) { _ in "\(options.path): invalid config, not starting" }

        let logOutput = LogOutput(settings: loaded.config.log)
        LoggingSystem.bootstrap { label in AgentLogHandler(label: label, output: logOutput) }
        let metrics = SelfMetrics()
        // Libraries that report through swift-metrics land in the same /metrics registry.
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics.registry))

        let logger = Logger(label: "outrider")
        do {
            // A sidecar's footprint is charged to every pod: one event loop thread serves the
            // local listeners, rather than one per core of a possibly large node.
            let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let runtime = try AgentRuntime(
                loaded: loaded, loader: loader, logOutput: logOutput, metrics: metrics, eventLoopGroup: eventLoops)
            try await runtime.run()
        } catch {
            logger.critical("outrider stopped with an error", error: error)
            throw ExitCode(1)
        }
    }
}
