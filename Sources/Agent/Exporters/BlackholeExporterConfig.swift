import Telemetry
import Exporters
import YAML

/// `type: blackhole` — counts and discards: the far end of throughput benchmarks.
public struct BlackholeExporterConfig: ExporterConfig {
    public static let typeName = "blackhole"
    public static let signals: Set<Signal> = [.logs, .metrics, .traces]

    public var delivery: DeliverySettings

    public init(from decoder: any Decoder) throws {
        delivery = try DeliverySettings(from: decoder)
    }

    public func validate() -> [ConfigProblem] { delivery.validate() }

    public func makeSender(_ context: ComponentContext) throws -> any ExportSender {
        BlackholeSender()
    }
}
