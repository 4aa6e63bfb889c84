import Telemetry
import YAML

/// The component types this build knows, by kind and `type:` word. The config loader
/// looks types up here; later modules add theirs to `standard`.
public struct ComponentCatalog: Sendable {
    struct Entry: Sendable {
        let typeName: String
        let kind: ComponentKind
        let signals: Set<Signal>
        let decode: @Sendable (YAMLDecoder, Node, String, [String]) -> Result<any ComponentConfig, YAMLErrors>
    }

    private var entries: [ComponentKind: [String: Entry]] = [:]

    public init() {}

    /// Every component type that ships with Outrider.
    public static var standard: ComponentCatalog {
        ComponentCatalog()
            .registering(HostMetricsSourceConfig.self)
            .registering(DemoLogsSourceConfig.self)
            .registering(FileLogsSourceConfig.self)
            .registering(OTLPSourceConfig.self)
            .registering(ResourceProcessorConfig.self)
            .registering(FilterProcessorConfig.self)
            .registering(RedactProcessorConfig.self)
            .registering(SampleProcessorConfig.self)
            .registering(HTTPExporterConfig.self)
            .registering(OTLPHTTPExporterConfig.self)
            .registering(PrometheusRemoteWriteExporterConfig.self)
            .registering(LokiExporterConfig.self)
            .registering(FileExporterConfig.self)
            .registering(StdoutExporterConfig.self)
            .registering(BlackholeExporterConfig.self)
    }

    public mutating func register<Config: ComponentConfig>(_ type: Config.Type) {
        entries[Config.kind, default: [:]][Config.typeName] = Entry(
            typeName: Config.typeName, kind: Config.kind, signals: Config.signals,
            decode: { decoder, node, file, path in
                decoder.decodeReportingAll(Typed<Config>.self, from: node, file: file, path: path).map { $0.config }
            })
    }

    public func registering<Config: ComponentConfig>(_ type: Config.Type) -> ComponentCatalog {
        var copy = self
        copy.register(type)
        return copy
    }

    func entry(kind: ComponentKind, typeName: String) -> Entry? {
        entries[kind]?[typeName]
    }

    public func typeNames(of kind: ComponentKind) -> [String] {
        (entries[kind] ?? [:]).keys.sorted()
    }
}

/// Decodes `type` and the component's own keys from the same mapping, so `type` counts as
/// a known key and the component's unknown keys are still reported.
private struct Typed<Config: ComponentConfig>: Decodable {
    let config: Config

    private enum CodingKeys: String, CodingKey { case type }

    init(from decoder: any Decoder) throws {
        _ = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .type)
        config = try Config(from: decoder)
    }
}
