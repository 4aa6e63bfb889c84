import Glibc
import HostMetrics
import Telemetry

// Benchmark of one full host metrics collection, as /metrics runs it: every collector on
// the real /proc, rendered to Prometheus text. Prints CPU time per collection; run it under
// `valgrind --tool=dhat` for allocations (scripts/bench-hostmetrics.sh does both).
// usage: outrider-bench [iterations] [breakdown]

let iterations = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1000 : 1000
let paths = HostPaths()
let collection = HostMetricsCollection(collectors: [
    CPUCollector(paths: paths), MemoryCollector(paths: paths), LoadCollector(paths: paths),
    PressureCollector(paths: paths), NetworkCollector(paths: paths), DiskCollector(paths: paths),
    FilesystemCollector(paths: paths), CgroupCollector(paths: paths),
])

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

/// Seconds as milliseconds with three decimals.
func milliseconds(_ seconds: Double) -> String {
    let micros = Int((seconds * 1_000_000).rounded())
    let fraction = String(micros % 1000)
    return "\(micros / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
}

var bytes = 0
var series = 0
var wall: [Double] = []
wall.reserveCapacity(iterations)
let start = cpuSeconds()
for _ in 0..<iterations {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    let before = Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    let outcome = collection.collect()
    var text: [UInt8] = []
    text.reserveCapacity(32 * 1024)
    PrometheusText.write(outcome.families, into: &text)
    bytes = text.count
    series = outcome.families.reduce(0) { $0 + $1.samples.count }
    clock_gettime(CLOCK_MONOTONIC, &spec)
    wall.append(Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9 - before)
}
let cpu = cpuSeconds() - start
wall.sort()
// Where a collection's time goes, collector by collector (`outrider-bench N breakdown`).
if iterations > 0 && CommandLine.arguments.dropFirst(2).first == "breakdown" {
    for collector in collection.collectors {
        let before = cpuSeconds()
        for _ in 0..<iterations {
            var families: [MetricFamily] = []
            try? collector.collect(into: &families)
        }
        print("  \(collector.name): \(milliseconds((cpuSeconds() - before) / Double(iterations))) ms")
    }
}
if iterations > 0 {
    print("collections: \(iterations)  series: \(series)  exposition bytes: \(bytes)")
    let perCollection = milliseconds(cpu / Double(iterations))
    let p50 = milliseconds(wall[iterations / 2])
    let p99 = milliseconds(wall[iterations * 99 / 100])
    print("cpu per collection: \(perCollection) ms  wall p50: \(p50) ms  p99: \(p99) ms")
}
