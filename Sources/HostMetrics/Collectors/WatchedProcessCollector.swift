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

    public init(paths: HostPaths, target: Target) {
        self.paths = paths
        self.target = target
        self.bootTime = ProcessSample.bootTime(paths: paths) ?? 0
    }

    public func collect(into families: inout [MetricFamily]) throws {
        let pids: [Int32]
        switch target {
        case .pid(let pid): pids = [pid]
        case .name(let name): pids = try ProcessFinder.pids(named: name, procRoot: paths.procRoot)
        }
        // A process may exit between the scan and the read: skip it rather than fail.
        let samples = pids.compactMap { try? ProcessSample.read(String($0), paths: paths, bootTime: bootTime) }
        guard !samples.isEmpty else { throw NotFound(target: target) }

        var cpu = family("cpu_seconds_total", "CPU time (user and system) of the watched process.", .counter, "s")
        var rss = family("resident_memory_bytes", "Resident memory of the watched process.", .gauge, "By")
        var threads = family("threads", "Threads of the watched process.", .gauge, "")
        var fds = family("open_fds", "Open file descriptors of the watched process.", .gauge, "")
        var start = family("start_time_seconds", "Start time of the watched process since unix epoch.", .gauge, "s")
        for sample in samples {
            let labels: Labels = ["name": sample.name, "pid": String(sample.pid)]
            cpu.add(sample.cpuSeconds, labels)
            rss.add(Double(sample.residentBytes), labels)
            threads.add(Double(sample.threads), labels)
            if let open = sample.openFDs { fds.add(Double(open), labels) }
            start.add(sample.startTimeSeconds, labels)
        }
        families.append(contentsOf: [cpu, rss, threads, fds, start])
    }

    private func family(_ suffix: String, _ help: String, _ kind: MetricFamily.Kind, _ unit: String) -> MetricFamily {
        MetricFamily(name: "outrider_watched_process_" + suffix, help: help, kind: kind, unit: unit)
    }
}
