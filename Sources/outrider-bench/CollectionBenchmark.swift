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
    var bytes = 0
    var series = 0
    var wall: [Double] = []
    wall.reserveCapacity(iterations)
    let start = ownCPUSeconds()
    for _ in 0..<iterations {
        let before = monotonicSeconds()
        let outcome = collection.collect()
        var text: [UInt8] = []
        text.reserveCapacity(32 * 1024)
        PrometheusText.write(outcome.families, into: &text)
        bytes = text.count
        series = outcome.families.reduce(0) { $0 + $1.samples.count }
        wall.append(monotonicSeconds() - before)
    }
    guard iterations > 0 else { return }
    let cpu = ownCPUSeconds() - start
    wall.sort()
    if breakdown {
        for collector in collection.collectors {
            let before = ownCPUSeconds()
            for _ in 0..<iterations {
                var families: [MetricFamily] = []
                try? collector.collect(into: &families)
            }
            print("  \(collector.name): \(milliseconds((ownCPUSeconds() - before) / Double(iterations))) ms")
        }
    }
    print("collections: \(iterations)  series: \(series)  exposition bytes: \(bytes)")
    print("cpu per collection: \(milliseconds(cpu / Double(iterations))) ms  "
        + "wall p50: \(milliseconds(percentile(wall, 50))) ms  p99: \(milliseconds(percentile(wall, 99))) ms")
}
