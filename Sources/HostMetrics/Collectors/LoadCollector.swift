import Telemetry

/// node_exporter's `loadavg` collector: `node_load1`, `node_load5`, `node_load15`.
public struct LoadCollector: HostCollector {
    public let name = "load"
    let paths: HostPaths

    public init(paths: HostPaths) {
        self.paths = paths
    }

    public func collect(into families: inout [MetricFamily]) throws {
        let load = try LoadAvg.parse(try paths.read(paths.proc("loadavg")))
        for (metric, window, value) in [("node_load1", "1m", load.load1), ("node_load5", "5m", load.load5), ("node_load15", "15m", load.load15)] {
            var family = MetricFamily(name: metric, help: "\(window) load average.", kind: .gauge)
            family.add(value)
            families.append(family)
        }
    }
}
