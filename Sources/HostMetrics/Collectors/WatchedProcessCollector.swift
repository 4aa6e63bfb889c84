import Telemetry

/// The application's own processes, seen from the sidecar (the pod needs
/// `shareProcessNamespace: true`), found by PID or by name on every collection so a
/// restarted application is picked up again. Series are labelled `{name, pid}`.
public struct WatchedProcessCollector: HostCollector {
    public enum Target: Sendable, Hashable {
        case pid(Int32)
        case name(String)
    }

    public struct NotFound: Error, CustomStringConvertible {
        var target: Target
        public var description: String {
            switch target {
            case .pid(let pid): "no process with pid \(pid)"
            case .name(let name): "no process named \"\(name)\""
            }
        }
    }

    public let name = "process"
    let paths: HostPaths
    let target: Target
    let bootTime: Double
    let fdCountBySize: Bool

    public init(paths: HostPaths, target: Target) {
        self.paths = paths
        self.target = target
        self.bootTime = ProcessSample.bootTime(paths: paths) ?? 0
        self.fdCountBySize = ProcessFinder.fdDirectorySizeIsCount(procRoot: paths.procRoot)
    }

    public func write(to writer: inout some MetricWriter) throws {
        let pids: [Int32]
        switch target {
        case .pid(let pid): pids = [pid]
        case .name(let name): pids = try ProcessFinder.pids(named: name, procRoot: paths.procRoot)
        }
        // A process may exit between the scan and the read: skip it rather than fail.
        let samples = pids.compactMap { try? ProcessSample.read(String($0), paths: paths, bootTime: bootTime, fdCountBySize: fdCountBySize) }
        guard !samples.isEmpty else { throw NotFound(target: target) }

        func family(_ suffix: String, _ help: String, _ kind: MetricFamily.Kind, _ unit: String, _ value: (ProcessSample) -> Double?) {
            writer.family("outrider_watched_process_" + suffix, help: help, kind: kind, unit: unit)
            for sample in samples {
                if let value = value(sample) { writer.sample(value, ("name", sample.name), ("pid", String(sample.pid))) }
            }
        }
        family("cpu_seconds_total", "CPU time (user and system) of the watched process.", .counter, "s") { $0.cpuSeconds }
        family("resident_memory_bytes", "Resident memory of the watched process.", .gauge, "By") { Double($0.residentBytes) }
        family("threads", "Threads of the watched process.", .gauge, "") { Double($0.threads) }
        family("open_fds", "Open file descriptors of the watched process.", .gauge, "") { $0.openFDs.map { Double($0) } }
        family("start_time_seconds", "Start time of the watched process since unix epoch.", .gauge, "s") { $0.startTimeSeconds }
    }
}
