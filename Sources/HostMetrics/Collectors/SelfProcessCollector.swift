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
        func metric(_ name: String, _ help: String, _ kind: MetricFamily.Kind, _ value: Double?) {
            guard let value else { return }
            writer.family(name, help: help, kind: kind)
            writer.sample(value)
        }
        metric("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", .counter, sample.cpuSeconds)
        metric("process_resident_memory_bytes", "Resident memory size in bytes.", .gauge, Double(sample.residentBytes))
        metric("process_virtual_memory_bytes", "Virtual memory size in bytes.", .gauge, Double(sample.virtualBytes))
        metric("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", .gauge, sample.startTimeSeconds)
        metric("process_open_fds", "Number of open file descriptors.", .gauge, sample.openFDs.map { Double($0) })
        metric("process_max_fds", "Maximum number of open file descriptors.", .gauge, sample.maxFDs.map { Double($0) })
    }
}
