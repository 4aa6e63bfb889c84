import Agent
import Exporters
import Pipeline
import ServiceLifecycle
import Telemetry
import YAML

/// Component types that exist only in tests, registered in a test catalog: they exercise
/// the loader's type lookup, per-component validation and the runtime's supervision.
struct TestSourceConfig: SourceConfig {
    static let typeName = "test_source"
    static let signals: Set<Signal> = [.logs, .metrics]

    var interval = ConfigDuration(.seconds(1))
    /// When set, the source's task dies this long after starting.
    var failAfter: ConfigDuration?
    /// When true, the source ignores graceful shutdown and only ends when cancelled, like
    /// a component stuck draining to a backend that does not answer.
    var ignoreShutdown = false

    enum CodingKeys: String, CodingKey {
        case interval
        case failAfter = "fail_after"
        case ignoreShutdown = "ignore_shutdown"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        interval = try container.decodeIfPresent(ConfigDuration.self, forKey: .interval) ?? interval
        failAfter = try container.decodeIfPresent(ConfigDuration.self, forKey: .failAfter)
        ignoreShutdown = try container.decodeIfPresent(Bool.self, forKey: .ignoreShutdown) ?? false
    }

    func validate() -> [ConfigProblem] {
        interval.nanoseconds > 0 ? [] : [ConfigProblem("must be greater than 0s", at: "interval")]
    }

    func makeService(_ context: ComponentContext) throws -> any Service {
        TestSource(failAfter: failAfter?.duration, ignoreShutdown: ignoreShutdown, health: context.health)
    }
}

struct TestSourceDied: Error, CustomStringConvertible {
    var description: String { "test source lost its input" }
}

struct TestSource: Service {
    let failAfter: Duration?
    let ignoreShutdown: Bool
    let health: ComponentHealth

    func run() async throws {
        health.ready()
        if let failAfter {
            try await Task.sleep(for: failAfter)
            throw TestSourceDied()
        }
        if ignoreShutdown {
            try await Task.sleep(for: .seconds(3600))  // ends only by cancellation
            return
        }
        try? await gracefulShutdown()
    }
}

struct TestExporterConfig: ExporterConfig {
    static let typeName = "test_exporter"
    static let signals: Set<Signal> = [.logs, .metrics, .traces]

    var endpoint: String
    var delivery = DeliverySettings()

    enum CodingKeys: String, CodingKey { case endpoint }

    init(from decoder: any Decoder) throws {
        endpoint = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .endpoint)
        delivery = try DeliverySettings(from: decoder)
    }

    func validate() -> [ConfigProblem] {
        endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://")
            ? [] : [ConfigProblem("expected an http:// or https:// URL, got \"\(endpoint)\"", at: "endpoint")]
    }

    func makeSender(_ context: ComponentContext) throws -> any ExportSender {
        AcceptingSender()
    }
}

/// Accepts every batch: the test exporter's backend.
struct AcceptingSender: ExportSender {
    func send(_ batches: [TelemetryBatch]) async -> SendOutcome { .delivered }
}

struct TestProcessorConfig: ProcessorConfig {
    static let typeName = "test_processor"
    static let signals: Set<Signal> = [.logs]

    func makeProcessor(_ context: ComponentContext) throws -> any Processor {
        PassThroughProcessor(name: context.name)
    }
}

struct PassThroughProcessor: Processor {
    let name: String
    func process(_ batch: inout TelemetryBatch) {}
}

extension ComponentCatalog {
    static let test = ComponentCatalog()
        .registering(TestSourceConfig.self)
        .registering(TestExporterConfig.self)
        .registering(TestProcessorConfig.self)
        .registering(HostMetricsSourceConfig.self)
}
