import Exporters
import Logging
import Pipeline
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
}

/// A source: a long-running service that sends batches to `context.output`.
public protocol SourceConfig: ComponentConfig {
    /// The long-running part of the source, started in the agent's ServiceGroup.
    func makeService(_ context: ComponentContext) throws -> any Service
}

/// A processor: a pure step the pipelines that name it run on each batch.
public protocol ProcessorConfig: ComponentConfig {
    func makeProcessor(_ context: ComponentContext) throws -> any Processor
}

/// An exporter: supplies only how to send a batch; the agent gives it a buffer and the
/// shared delivery loop (batching, concurrency, retries, acknowledgements) from `delivery`.
public protocol ExporterConfig: ComponentConfig {
    var delivery: DeliverySettings { get }
    func makeSender(_ context: ComponentContext) throws -> any ExportSender
}

extension SourceConfig {
    public static var kind: ComponentKind { .source }
}

extension ProcessorConfig {
    public static var kind: ComponentKind { .processor }
}

extension ExporterConfig {
    public static var kind: ComponentKind { .exporter }
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
    /// Where a source sends its batches: the pipelines that name it. Nil while no pipeline
    /// names this source (and always for processors and exporters).
    public let output: SourceOutput?
    /// The HTTP client exporters share.
    public let http: SharedHTTPClient

    public init(
        name: String, kind: ComponentKind, logger: Logger, health: ComponentHealth, clock: WallClock,
        metrics: SelfMetrics, output: SourceOutput? = nil, http: SharedHTTPClient = SharedHTTPClient()
    ) {
        self.name = name
        self.kind = kind
        self.logger = logger
        self.health = health
        self.clock = clock
        self.metrics = metrics
        self.output = output
        self.http = http
    }
}
