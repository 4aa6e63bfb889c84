import Telemetry

/// node_exporter's `meminfo` collector: one gauge per /proc/meminfo field,
/// `node_memory_<Field>_bytes` for sizes and `node_memory_<Field>` for counts.
public struct MemoryCollector: HostCollector {
    public let name = "memory"
    let paths: HostPaths

    public init(paths: HostPaths) {
        self.paths = paths
    }

    public func collect(into families: inout [MetricFamily]) throws {
        let meminfo = try Meminfo.parse(try paths.read(paths.proc("meminfo")))
        for field in meminfo.fields {
            let metric = field.metricName
            var family = MetricFamily(
                name: metric, help: "Memory information field \(metric.dropFirst("node_memory_".count)).",
                kind: .gauge, unit: field.isBytes ? "By" : "")
            family.add(Double(field.value))
            families.append(family)
        }
    }
}
