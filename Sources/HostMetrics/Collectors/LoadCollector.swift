import Telemetry

/// node_exporter's `loadavg` collector: `node_load1`, `node_load5`, `node_load15`.
public struct LoadCollector: HostCollector {
    public let name = "load"
    let paths: HostPaths

    public init(paths: HostPaths) {
        self.paths = paths
    }

    static let load1 = MetricDescriptor("node_load1", help: "1m load average.", kind: .gauge)
    static let load5 = MetricDescriptor("node_load5", help: "5m load average.", kind: .gauge)
    static let load15 = MetricDescriptor("node_load15", help: "15m load average.", kind: .gauge)

    public func write(to writer: inout some MetricWriter) throws {
        let load = try LoadAvg.parse(try paths.read(paths.proc("loadavg")))
        writer.family(Self.load1)
        writer.sample(load.load1)
        writer.family(Self.load5)
        writer.sample(load.load5)
        writer.family(Self.load15)
        writer.sample(load.load15)
    }
}
