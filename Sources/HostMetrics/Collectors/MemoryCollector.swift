import Synchronization
import Telemetry

/// node_exporter's `meminfo` collector: one gauge per /proc/meminfo field,
/// `node_memory_<Field>_bytes` for sizes and `node_memory_<Field>` for counts.
public struct MemoryCollector: HostCollector {
    public let name = "memory"
    let paths: HostPaths
    /// Metric name, help and header per meminfo field: the same ~50 fields on every scrape,
    /// so they are built once, not per collection.
    private let names = Names()

    /// Kept by position in the file: the kernel prints the same fields in the same order
    /// every time, so each field is checked against the name cached at its position (a
    /// short byte comparison) instead of being made a `String` and hashed. A field that
    /// differs (a kernel update, a field that appeared) replaces the entry there.
    final class Names: Sendable {
        struct Entry {
            var field: [UInt8]
            var isBytes: Bool
            var descriptor: MetricDescriptor
        }

        let byPosition = Mutex<[Entry]>([])
    }

    public init(paths: HostPaths) {
        self.paths = paths
    }

    public func write(to writer: inout some MetricWriter) throws {
        let bytes = try paths.read(paths.proc("meminfo"))
        try names.byPosition.withLock { cache throws(ParseError) in
            var position = 0
            try Meminfo.forEachField(bytes) { field, value, isBytes in
                if position == cache.count || cache[position].isBytes != isBytes || cache[position].field[...] != field {
                    let metric = Meminfo.metricName(field: field.string, isBytes: isBytes)
                    let descriptor = MetricDescriptor(
                        metric, help: "Memory information field \(metric.dropFirst("node_memory_".count)).", kind: .gauge,
                        unit: isBytes ? "By" : "")
                    let entry = Names.Entry(field: Array(field), isBytes: isBytes, descriptor: descriptor)
                    if position == cache.count { cache.append(entry) } else { cache[position] = entry }
                }
                writer.family(cache[position].descriptor)
                writer.sample(Double(value))
                position += 1
            }
        }
    }
}
