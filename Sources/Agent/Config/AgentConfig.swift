import Telemetry
import YAML

/// A component as declared in `sources:`, `processors:` or `exporters:`.
public struct ComponentDeclaration: Sendable {
    public var name: String
    public var kind: ComponentKind
    public var typeName: String
    public var config: any ComponentConfig
    public var signals: Set<Signal>
    public var mark: Mark?
}

/// The whole config file, decoded, validated and cross-checked.
public struct AgentConfig: Sendable {
    public var file: String
    public var service = ServiceSettings()
    public var log = LogSettings()
    public var server = ServerSettings()
    public var sources: [ComponentDeclaration] = []
    public var processors: [ComponentDeclaration] = []
    public var exporters: [ComponentDeclaration] = []
    public var pipelines: [PipelineDeclaration] = []

    public init(file: String) {
        self.file = file
    }

    public func components(of kind: ComponentKind) -> [ComponentDeclaration] {
        switch kind {
        case .source: sources
        case .processor: processors
        case .exporter: exporters
        }
    }

    /// Whether the component runs: some pipeline names it, or its type has work of its own
    /// (serving /metrics). Unused components do not run.
    public func isUsed(_ component: ComponentDeclaration) -> Bool {
        type(of: component.config).runsWithoutPipeline || pipelines.contains { pipeline in
            switch component.kind {
            case .source: pipeline.sources.contains(component.name)
            case .processor: pipeline.processors.contains(component.name)
            case .exporter: pipeline.exporters.contains(component.name)
            }
        }
    }

    mutating func setComponents(_ declarations: [ComponentDeclaration], of kind: ComponentKind) {
        switch kind {
        case .source: sources = declarations
        case .processor: processors = declarations
        case .exporter: exporters = declarations
        }
    }
}
