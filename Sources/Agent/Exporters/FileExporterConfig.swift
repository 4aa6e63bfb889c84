import Telemetry
import Exporters
import YAML

/// `type: file` — JSON lines appended to a file, for debugging and for log shipping by
/// another tool. Reopened when rotated away.
public struct FileExporterConfig: ExporterConfig {
    public static let typeName = "file"
    public static let signals: Set<Signal> = [.logs, .metrics, .traces]

    public var path: String
    /// fsync after each batch: slower, but a batch reported delivered survives a power loss.
    public var fsync = false
    public var delivery: DeliverySettings

    enum CodingKeys: String, CodingKey { case path, fsync }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        path = try container.decode(String.self, forKey: .path)
        fsync = try container.decodeIfPresent(Bool.self, forKey: .fsync) ?? false
        delivery = try DeliverySettings(from: decoder)
    }

    public func validate() -> [ConfigProblem] {
        (path.hasPrefix("/") ? [] : [ConfigProblem("must be an absolute path, got \"\(path)\"", at: "path")]) + delivery.validate()
    }

    public func makeSender(_ context: ComponentContext) throws -> any ExportSender {
        FileSender(path: path, encoder: JSONLinesEncoder(), fsync: fsync)
    }
}
