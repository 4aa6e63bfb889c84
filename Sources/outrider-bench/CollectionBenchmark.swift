import HostMetrics
import Telemetry

/// One full host metrics collection, as /metrics runs it: every collector on the real
/// /proc, rendered to Prometheus text. Prints CPU time per collection; run it under
/// `valgrind --tool=dhat` for allocations (scripts/bench-hostmetrics.sh does both).
func collectionBenchmark(iterations: Int, breakdown: Bool) {
    let paths = HostPaths()
    let collection = HostMetricsCollection(collectors: [
        CPUCollector(paths: paths), MemoryCollector(paths: paths), LoadCollector(paths: paths),
        PressureCollector(paths: paths), NetworkCollector(paths: paths), DiskCollector(paths: paths),
        FilesystemCollector(paths: paths), CgroupCollector(paths: paths),
    ])
    var text: [UInt8] = []
    var wall: [Double] = []
    wall.reserveCapacity(iterations)
    let start = ownCPUSeconds()
    for _ in 0..<iterations {
        let before = monotonicSeconds()
        var writer = PrometheusTextWriter(reservingCapacity: 32 * 1024)
        _ = collection.write(to: &writer)
        text = writer.bytes
        wall.append(monotonicSeconds() - before)
    }
    guard iterations > 0 else { return }
    let cpu = ownCPUSeconds() - start
    wall.sort()
    if breakdown {
        for collector in collection.collectors {
            let before = ownCPUSeconds()
            for _ in 0..<iterations {
                var writer = PrometheusTextWriter(reservingCapacity: 32 * 1024)
                try? collector.write(to: &writer)
            }
            print("  \(collector.name): \(milliseconds((ownCPUSeconds() - before) / Double(iterations))) ms")
        }
    }
    let series = text.split(separator: UInt8(ascii: "\n")).count { $0.first != UInt8(ascii: "#") }
    print("collections: \(iterations)  series: \(series)  exposition bytes: \(text.count)")
    print("cpu per collection: \(milliseconds(cpu / Double(iterations))) ms  "
        + "wall p50: \(milliseconds(percentile(wall, 50))) ms  p99: \(milliseconds(percentile(wall, 99))) ms")
}
