import Telemetry
import Logging
import ServiceLifecycle
import Telemetry

/// The config of one component type (`type: host_metrics`, `type: otlp_http`, …). Each
/// component owns its config struct, defaults and validation, as in the OpenTelemetry
/// Collector; registering the type in a `ComponentCatalog` is all the wiring it needs.
public protocol ComponentConfig: Decodable, Sendable, Equatable {
    /// The word used after `type:` in the config file.
    static var typeName: String { get }
    static var kind: ComponentKind { get }
    /// The signals this component can carry; a pipeline of another signal cannot name it.
    static var signals: Set<Signal> { get }

    /// Whether the component has work to do even when no pipeline names it: a source that
    /// also serves /metrics at scrape time does. Others are skipped with a warning.
    static var runsWithoutPipeline: Bool { get }

    /// Range and consistency checks beyond what decoding already checked.
    func validate() -> [ConfigProblem]

    /// The long-running part of the component, started in the agent's ServiceGroup.
    func makeService(_ context: ComponentContext) throws -> any Service
}

extension ComponentConfig {
    public func validate() -> [ConfigProblem] { [] }

    public static var runsWithoutPipeline: Bool { false }

    /// Whether a reloaded config changed this component's settings.
    public func isSame(as other: any ComponentConfig) -> Bool {
        (other as? Self) == self
    }
}

/// What a component gets from the agent when it is built.
public struct ComponentContext: Sendable {
    public let name: String
    public let kind: ComponentKind
    public let logger: Logger
    public let health: ComponentHealth
    public let clock: WallClock
    /// /metrics: components that serve scrape-time metrics register here.
    public let metrics: SelfMetrics
    /// Where a metrics source delivers its batches: the pipelines that name it. Nil while
    /// no pipeline consumes this source's metrics.
    public let metricsOutput: (any MetricsConsumer)?

    public init(
        name: String, kind: ComponentKind, logger: Logger, health: ComponentHealth, clock: WallClock,
        metrics: SelfMetrics, metricsOutput: (any MetricsConsumer)? = nil
    ) {
        self.name = name
        self.kind = kind
        self.logger = logger
        self.health = health
        self.clock = clock
        self.metrics = metrics
        self.metricsOutput = metricsOutput
    }
}
