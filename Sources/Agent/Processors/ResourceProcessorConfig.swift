import Telemetry
import FoundationEssentials
import Pipeline
import YAML

/// `type: resource` — Kubernetes Downward API attributes (POD_NAME → k8s.pod.name, …) and
/// configured ones on every batch's resource.
public struct ResourceProcessorConfig: ProcessorConfig {
    public static let typeName = "resource"
    public static let signals: Set<Signal> = [.logs, .metrics, .traces]

    public var attributes: [String: String] = [:]
    /// Replace keys the data already has (an SDK's own values win by default).
    public var override = false
    /// Read the Downward API variables from the agent's environment.
    public var fromEnvironment = true

    enum CodingKeys: String, CodingKey {
        case attributes, override
        case fromEnvironment = "from_environment"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        attributes = try container.decodeIfPresent([String: String].self, forKey: .attributes) ?? [:]
        override = try container.decodeIfPresent(Bool.self, forKey: .override) ?? false
        fromEnvironment = try container.decodeIfPresent(Bool.self, forKey: .fromEnvironment) ?? true
    }

    public func validate() -> [ConfigProblem] {
        attributes.keys.contains("") ? [ConfigProblem("attribute names must not be empty", at: "attributes")] : []
    }

    public func makeProcessor(_ context: ComponentContext) throws -> any Processor {
        ResourceProcessor(
            name: context.name, attributes: attributes,
            environment: fromEnvironment ? ProcessInfo.processInfo.environment : [:], override: override)
    }
}
