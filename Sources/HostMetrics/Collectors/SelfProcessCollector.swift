import Glibc
import Telemetry

/// The agent's own `process_*` metrics, named as Prometheus client libraries name them so
/// the usual process dashboards work on the sidecar unchanged.
public struct SelfProcessCollector: HostCollector {
    public let name = "self"
    let paths: HostPaths
    let bootTime: Double
    let fdCountBySize: Bool

    public init(paths: HostPaths = HostPaths()) {
        self.paths = paths
        self.bootTime = ProcessSample.bootTime(paths: paths) ?? 0
        self.fdCountBySize = ProcessFinder.fdDirectorySizeIsCount(procRoot: paths.procRoot)
    }

    public func write(to writer: inout some MetricWriter) throws {
        var sample = try ProcessSample.read("self", paths: paths, bootTime: bootTime, fdCountBySize: fdCountBySize)
        // Our own limit is one getrlimit(2) away; no need to format and parse /proc/self/limits.
        var limit = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            sample.maxFDs = limit.rlim_cur == rlim_t.max ? nil : UInt64(limit.rlim_cur)  // rlim_t.max is RLIM_INFINITY
        }
        func metric(_ descriptor: MetricDescriptor, _ value: Double?) {
            guard let value else { return }
            writer.family(descriptor)
            writer.sample(value)
        }
        metric(Self.cpuSeconds, sample.cpuSeconds)
        metric(Self.residentMemory, Double(sample.residentBytes))
        metric(Self.virtualMemory, Double(sample.virtualBytes))
        metric(Self.startTime, sample.startTimeSeconds)
        metric(Self.openFDs, sample.openFDs.map { Double($0) })
        metric(Self.maxFDs, sample.maxFDs.map { Double($0) })
    }

    static let cpuSeconds = MetricDescriptor(
        "process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds.", kind: .counter)
    static let residentMemory = MetricDescriptor("process_resident_memory_bytes", help: "Resident memory size in bytes.", kind: .gauge)
    static let virtualMemory = MetricDescriptor("process_virtual_memory_bytes", help: "Virtual memory size in bytes.", kind: .gauge)
    static let startTime = MetricDescriptor(
        "process_start_time_seconds", help: "Start time of the process since unix epoch in seconds.", kind: .gauge)
    static let openFDs = MetricDescriptor("process_open_fds", help: "Number of open file descriptors.", kind: .gauge)
    static let maxFDs = MetricDescriptor("process_max_fds", help: "Maximum number of open file descriptors.", kind: .gauge)
}
