import Telemetry
import Logging
import ServiceLifecycle

/// The config of one component type (`type: host_metrics`, `type: otlp_http`, …). Each
/// component owns its config struct, defaults and validation, as in the OpenTelemetry
/// Collector; registering the type in a `ComponentCatalog` is all the wiring it needs.
public protocol ComponentConfig: Decodable, Sendable, Equatable {
    /// The word used after `type:` in the config file.
    static var typeName: String { get }
    static var kind: ComponentKind { get }
    /// The signals this component can carry; a pipeline of another signal cannot name it.
    static var signals: Set<Signal> { get }

    /// Range and consistency checks beyond what decoding already checked.
    func validate() -> [ConfigProblem]

    /// The long-running part of the component, started in the agent's ServiceGroup.
    func makeService(_ context: ComponentContext) throws -> any Service
}

extension ComponentConfig {
    public func validate() -> [ConfigProblem] { [] }

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

    public init(name: String, kind: ComponentKind, logger: Logger, health: ComponentHealth, clock: WallClock) {
        self.name = name
        self.kind = kind
        self.logger = logger
        self.health = health
        self.clock = clock
    }
}
