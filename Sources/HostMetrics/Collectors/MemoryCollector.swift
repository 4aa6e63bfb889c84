import Synchronization
import Telemetry

/// node_exporter's `meminfo` collector: one gauge per /proc/meminfo field,
/// `node_memory_<Field>_bytes` for sizes and `node_memory_<Field>` for counts.
public struct MemoryCollector: HostCollector {
    public let name = "memory"
    let paths: HostPaths
    /// Metric name and help per meminfo field: the same ~50 fields on every scrape, so
    /// they are built once, not per collection.
    private let names = Names()

    final class Names: Sendable {
        let byField = Mutex<[String: (metric: String, help: String)]>([:])
    }

    public init(paths: HostPaths) {
        self.paths = paths
    }

    public func collect(into families: inout [MetricFamily]) throws {
        let meminfo = try Meminfo.parse(try paths.read(paths.proc("meminfo")))
        names.byField.withLock { cache in
            for field in meminfo.fields {
                let key = field.isBytes ? field.name : field.name + "#"
                let (metric, help) = cache[key] ?? {
                    let metric = field.metricName
                    let entry = (metric, "Memory information field \(metric.dropFirst("node_memory_".count)).")
                    cache[key] = entry
                    return entry
                }()
                var family = MetricFamily(name: metric, help: help, kind: .gauge, unit: field.isBytes ? "By" : "")
                family.add(Double(field.value))
                families.append(family)
            }
        }
    }
}
