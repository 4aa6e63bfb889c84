import Telemetry
import Exporters
import YAML

/// `type: stdout` — JSON lines on standard output (`kubectl logs` of the sidecar).
public struct StdoutExporterConfig: ExporterConfig {
    public static let typeName = "stdout"
    public static let signals: Set<Signal> = [.logs, .metrics, .traces]

    public var delivery: DeliverySettings

    public init(from decoder: any Decoder) throws {
        delivery = try DeliverySettings(from: decoder)
    }

    public func validate() -> [ConfigProblem] { delivery.validate() }

    public func makeSender(_ context: ComponentContext) throws -> any ExportSender {
        StdoutSender(encoder: JSONLinesEncoder())
    }
}
