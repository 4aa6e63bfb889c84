import Exporters
import Logging
import Pipeline
import Telemetry
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import UnixSignals
import YAML

/// One running agent: the local server, the config reloader and every component of the
/// config, as services of one ServiceGroup with graceful shutdown.
public final class AgentRuntime: Sendable {
    public let health: HealthRegistry
    public let metrics: SelfMetrics
    public let configState: ConfigState
    public let server: LocalServer
    private let loader: ConfigLoader
    private let logOutput: LogOutput
    private let logger: Logger
    private let clock: WallClock
    private let signals: [UnixSignal]
    private let group = Mutex<ServiceGroup?>(nil)
    private let services: [ServiceGroupConfiguration.ServiceConfiguration]
    private let http: SharedHTTPClient

    /// - Parameters:
    ///   - signals: the signals that start graceful shutdown; tests running in-process pass
    ///     none and call `shutdown()`.
    public init(
        loaded: LoadedConfig,
        loader: ConfigLoader,
        logOutput: LogOutput,
        metrics: SelfMetrics = SelfMetrics(),
        clock: WallClock = .system,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        signals: [UnixSignal] = [.sigterm, .sigint]
    ) throws {
        let config = loaded.config
        let logger = Logger(label: "outrider") { AgentLogHandler(label: $0, output: logOutput) }
        let health = HealthRegistry(clock: clock)
        let configState = ConfigState(config, loadedAt: clock.now())
        self.health = health
        self.metrics = metrics
        self.configState = configState
        self.loader = loader
        self.logOutput = logOutput
        self.logger = logger
        self.clock = clock
        self.signals = signals
        for warning in loaded.warnings {
            logger.warning("\(warning.message)", metadata: ["config": "\(warning)"])
        }
        metrics.recordConfigLoad(success: true, at: configState.loadedAt)

        let server = LocalServer(
            settings: config.server,
            routes: LocalRoutes(health: health, metrics: metrics, config: configState),
            group: eventLoopGroup,
            logger: logger.with(component: "server"))
        self.server = server
        health.register(name: "server", kind: "server", gatesReadiness: false).running()

        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            // A server that dies leaves nothing to answer the probes: stop the agent.
            .init(service: server, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup),
        ]
        let http = SharedHTTPClient()
        self.http = http
        func context(_ declaration: ComponentDeclaration, output: SourceOutput? = nil) -> ComponentContext {
            ComponentContext(
                name: declaration.name, kind: declaration.kind, logger: logger.with(component: declaration.name),
                health: health.register(name: declaration.name, kind: declaration.kind.rawValue, gatesReadiness: declaration.kind == .source),
                clock: clock, metrics: metrics, output: output, http: http)
        }
        do {
            let assembly = try PipelineAssembly(config: config, stats: metrics.pipelines, makeContext: { context($0) })
            // Exporters before sources: ServiceGroup stops services in reverse order, so on
            // SIGTERM the sources stop taking data in first and the exporters drain last.
            for exporter in assembly.exporters {
                services.append(.init(
                    service: SupervisedService(inner: exporter.service, health: exporter.context.health, logger: exporter.context.logger),
                    successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore))
            }
            for declaration in config.sources where config.isUsed(declaration) {
                guard let sourceConfig = declaration.config as? any SourceConfig else { continue }
                let sourceContext = context(declaration, output: assembly.output(forSource: declaration.name))
                let service = try sourceConfig.makeService(sourceContext)
                services.append(.init(
                    service: SupervisedService(inner: service, health: sourceContext.health, logger: sourceContext.logger),
                    successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore))
            }
        } catch {
            // The exporters built so far hold HTTP clients that must not outlive a failed start.
            http.shutdownUnused()
            throw error
        }
        self.services = services
    }

    /// After `shutdown_timeout`, tasks still draining are cancelled and get this long to end
    /// before ServiceGroup gives up on them: the whole stop takes at most the sum.
    static let cancellationGrace = Duration.seconds(2)

    /// Runs until a shutdown signal (or `shutdown()`), then drains within `shutdown_timeout`.
    public func run() async throws {
        // SIGHUP is trapped before any service starts: its default action would end the process.
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        let services = self.services + [
            .init(service: ConfigReloader(signals: hangups, reload: { [weak self] in self?.reload() })),
            .init(service: ReadinessPhase(health: health)),
        ]
        var configuration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: signals, logger: logger)
        configuration.maximumGracefulShutdownDuration = configState.config.server.shutdownTimeout.duration
        configuration.maximumCancellationDuration = Self.cancellationGrace
        let serviceGroup = ServiceGroup(configuration: configuration)
        group.withLock { $0 = serviceGroup }
        logger.info("outrider started", metadata: [
            "version": "\(BuildInfo.version)", "config": "\(configState.config.file)",
            "service.name": "\(configState.config.service.name)",
        ])
        do {
            try await serviceGroup.run()
        } catch {
            try? await http.shutdown()
            throw error
        }
        try? await http.shutdown()
        logger.info("outrider stopped")
    }

    /// Starts graceful shutdown, as SIGTERM does.
    public func shutdown() async {
        await group.withLock { $0 }?.triggerGracefulShutdown()
    }

    /// Re-reads and validates the config file. A valid one is applied; an invalid one is
    /// logged and counted, and the agent keeps running on the config it has.
    @discardableResult
    public func reload() -> Bool {
        let file = configState.config.file
        let now = clock.now()
        let loaded: LoadedConfig
        do {
            loaded = try loader.load(contentsOf: file)
        } catch {
            let messages: [String]
            switch error {
            case .invalid(let errors): messages = errors.errors.map(\.description)
            case .unreadable: messages = [error.description]
            }
            for message in messages {
                logger.error("config reload rejected", metadata: ["config": "\(file)", "problem": "\(message)"])
            }
            logger.error("config reload failed; keeping the running config", metadata: [
                "config": "\(file)", "errors": "\(messages.count)",
            ])
            metrics.recordReload(success: false, at: now)
            configState.recordFailedReload(messages, at: now)
            return false
        }
        apply(loaded.config)
        configState.replace(with: loaded.config, at: now)
        metrics.recordReload(success: true, at: now)
        for warning in loaded.warnings {
            logger.warning("\(warning.message)", metadata: ["config": "\(warning)"])
        }
        logger.info("config reloaded", metadata: ["config": "\(file)", "generation": "\(configState.generation)"])
        return true
    }

    /// Applies what can change while running; says which changes wait for a restart.
    private func apply(_ new: AgentConfig) {
        let old = configState.config
        logOutput.settings = new.log
        var needRestart: [String] = []
        if new.server.listen != old.server.listen { needRestart.append("server.listen") }
        if new.server.maxRequestBody != old.server.maxRequestBody { needRestart.append("server.max_request_body") }
        if new.server.shutdownTimeout != old.server.shutdownTimeout { needRestart.append("server.shutdown_timeout") }
        if new.service != old.service { needRestart.append("service") }
        for kind in ComponentKind.allCases {
            let before = old.components(of: kind)
            let after = new.components(of: kind)
            let changed = before.count != after.count || zip(before, after).contains { old, new in
                old.name != new.name || !old.config.isSame(as: new.config)
            }
            if changed { needRestart.append(kind.section) }
        }
        if new.pipelines != old.pipelines { needRestart.append("pipelines") }
        if !needRestart.isEmpty {
            logger.warning("some changed settings take effect at the next restart", metadata: [
                "settings": "\(needRestart.joined(separator: ", "))",
            ])
        }
    }
}

extension Logger {
    func with(component: String) -> Logger {
        var copy = self
        copy[metadataKey: "component"] = "\(component)"
        return copy
    }
}
