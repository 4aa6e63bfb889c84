import Telemetry
import Exporters
import YAML

/// `type: http` — JSON lines or a JSON array of events POSTed to any URL (CONFIG.md's
/// per-event shapes). The generic way out, and the common sink of benchmarks.
public struct HTTPExporterConfig: ExporterConfig {
    public static let typeName = "http"
    public static let signals: Set<Signal> = [.logs, .metrics, .traces]

    public enum Format: String, ConfigEnum {
        case jsonLines = "json_lines"
        case jsonArray = "json_array"
    }

    public var http: HTTPClientSettings
    public var format = Format.jsonLines
    public var delivery: DeliverySettings

    enum CodingKeys: String, CodingKey { case format }

    public init(from decoder: any Decoder) throws {
        http = try HTTPClientSettings(from: decoder)
        delivery = try DeliverySettings(from: decoder)
        format = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(Format.self, forKey: .format) ?? format
    }

    public func validate() -> [ConfigProblem] {
        http.validate() + delivery.validate()
    }

    public func makeSender(_ context: ComponentContext) throws -> any ExportSender {
        let encoder: any BatchEncoder = switch format {
        case .jsonLines: JSONLinesEncoder()
        case .jsonArray: JSONArrayEncoder()
        }
        return try HTTPSenderFactory.make(http, encoder: encoder, context: context)
    }
}
