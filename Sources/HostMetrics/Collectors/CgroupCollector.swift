import Glibc
import Synchronization
import Telemetry

/// The container's own resource use from its cgroup, with cAdvisor's metric names so the
/// usual Kubernetes container dashboards and alerts work: CPU usage and throttling, memory
/// usage, working set and limit, OOM events, block I/O, tasks. Labelled `{id}` with the
/// cgroup path, as cAdvisor does. cgroup v2 is read when the root has `cgroup.controllers`,
/// v1 otherwise.
public struct CgroupCollector: HostCollector {
    public let name = "cgroup"
    let paths: HostPaths
    let ticksPerSecond: Double
    /// Where the container's cgroup files are, kept while /proc/self/cgroup reads the same
    /// (the process did not move) and collections succeed (the hierarchy is still there).
    private let layout = LayoutCache()

    /// The container's cgroup directories, per controller for v1.
    struct Layout: Sendable {
        /// The /proc/self/cgroup this layout was resolved from.
        var membership: [UInt8]
        var version: CgroupVersion
        var id: String
        var directories: [String: String]
    }

    final class LayoutCache: Sendable {
        let value = Mutex<Layout?>(nil)
    }

    public init(paths: HostPaths, ticksPerSecond: Double = SystemConstants.clockTicksPerSecond) {
        self.paths = paths
        self.ticksPerSecond = ticksPerSecond
    }

    public func write(to writer: inout some MetricWriter) throws {
        let membership = try paths.read(paths.proc("self/cgroup"))
        let cached = self.layout.value.withLock { $0 }
        let layout = try cached.flatMap { $0.membership == membership ? $0 : nil } ?? resolve(membership)
        var metrics = ContainerMetrics()
        metrics.id = layout.id
        do {
            switch layout.version {
            case .v2: try collectV2(layout.directories["v2"]!, into: &metrics)
            case .v1: try collectV1(layout.directories, into: &metrics)
            }
        } catch {
            self.layout.value.withLock { $0 = nil }
            throw error
        }
        self.layout.value.withLock { $0 = layout }
        metrics.write(to: &writer)
    }

    private func resolve(_ bytes: [UInt8]) throws -> Layout {
        let membership = try CgroupMembership.parse(bytes)
        switch CgroupVersion.detect(root: paths.cgroupRoot) {
        case .v2:
            let (directory, id) = locate(root: paths.cgroupRoot, path: membership.unifiedPath)
            return Layout(membership: bytes, version: .v2, id: id, directories: ["v2": directory])
        case .v1:
            func controller(_ names: [String], _ key: String) -> String {
                let mount = names.map { paths.cgroupRoot + "/" + $0 }.first { access($0, F_OK) == 0 } ?? paths.cgroupRoot + "/" + names[0]
                return locate(root: mount, path: membership.path(forController: key)).directory
            }
            return Layout(
                membership: bytes,
                version: .v1,
                id: locate(root: paths.cgroupRoot + "/memory", path: membership.path(forController: "memory")).id,
                directories: [
                    "cpuacct": controller(["cpuacct", "cpu,cpuacct"], "cpuacct"), "cpu": controller(["cpu", "cpu,cpuacct"], "cpu"),
                    "memory": controller(["memory"], "memory"), "blkio": controller(["blkio"], "blkio"),
                    "pids": controller(["pids"], "pids"),
                ])
        }
    }

    // MARK: - cgroup v2

    private func collectV2(_ directory: String, into metrics: inout ContainerMetrics) throws {
        let cpu = try CgroupCPUStat.parse(try paths.read(directory + "/cpu.stat"))
        metrics.cpuUsage = Double(cpu.usageUsec) / 1e6
        metrics.cpuUser = Double(cpu.userUsec) / 1e6
        metrics.cpuSystem = Double(cpu.systemUsec) / 1e6
        metrics.periods = cpu.periods
        metrics.throttledPeriods = cpu.throttledPeriods
        metrics.throttledSeconds = cpu.throttledUsec.map { Double($0) / 1e6 }
        if let max = try? CgroupCPUMax.parse(try paths.read(directory + "/cpu.max")) {
            metrics.quotaUsec = max.quotaUsec
            metrics.periodUsec = max.periodUsec
        }
        let usage = try CgroupSingleValue.number(try paths.read(directory + "/memory.current"), file: "memory.current")
        metrics.memoryUsage = usage
        if let stat = try? CgroupMemoryStat.parse(try paths.read(directory + "/memory.stat")) {
            metrics.workingSet = stat.workingSet(usage: usage)
            metrics.rss = stat.anon
            metrics.cache = stat.file
            metrics.mappedFile = stat.fileMapped
        }
        metrics.memoryLimit = try? CgroupSingleValue.limit(try paths.read(directory + "/memory.max"), file: "memory.max")
        if let events = try? CgroupMemoryEvents.parse(try paths.read(directory + "/memory.events")) {
            metrics.oomEvents = events.oomKill
        }
        if let io = try? CgroupIOStat.parse(try paths.read(directory + "/io.stat")) {
            metrics.blkio = io.devices.map { ($0.major, $0.minor, $0.readBytes, $0.writeBytes) }
        }
        metrics.tasks = try? CgroupSingleValue.number(try paths.read(directory + "/pids.current"), file: "pids.current")
        metrics.tasksMax = try? CgroupSingleValue.limit(try paths.read(directory + "/pids.max"), file: "pids.max")
    }

    // MARK: - cgroup v1

    private func collectV1(_ directories: [String: String], into metrics: inout ContainerMetrics) throws {
        let cpuacct = directories["cpuacct"]!, cpu = directories["cpu"]!, memory = directories["memory"]!

        let usage = try CgroupSingleValue.number(try paths.read(cpuacct + "/cpuacct.usage"), file: "cpuacct.usage")
        metrics.cpuUsage = Double(usage) / 1e9
        if let split = try? CgroupV1CPUAcctStat.parse(try paths.read(cpuacct + "/cpuacct.stat")) {
            metrics.cpuUser = Double(split.userTicks) / ticksPerSecond
            metrics.cpuSystem = Double(split.systemTicks) / ticksPerSecond
        }
        if let stat = try? CgroupV1CPUStat.parse(try paths.read(cpu + "/cpu.stat")) {
            metrics.periods = stat.periods
            metrics.throttledPeriods = stat.throttledPeriods
            metrics.throttledSeconds = Double(stat.throttledNanoseconds) / 1e9
        }
        if let quota = try? paths.read(cpu + "/cpu.cfs_quota_us"), let period = try? paths.read(cpu + "/cpu.cfs_period_us"),
           let max = try? CgroupCPUMax.parseV1(quota: quota, period: period) {
            metrics.quotaUsec = max.quotaUsec
            metrics.periodUsec = max.periodUsec
        }
        let memoryUsage = try CgroupSingleValue.number(try paths.read(memory + "/memory.usage_in_bytes"), file: "memory.usage_in_bytes")
        metrics.memoryUsage = memoryUsage
        if let stat = try? CgroupV1MemoryStat.parse(try paths.read(memory + "/memory.stat")) {
            // The total_* keys include child cgroups (memory.use_hierarchy, on by default),
            // which is what cAdvisor reports.
            metrics.workingSet = stat.workingSet(usage: memoryUsage)
            metrics.rss = stat.totalRSS ?? stat.rss
            metrics.cache = stat.totalCache ?? stat.cache
            metrics.mappedFile = stat.totalMappedFile ?? stat.mappedFile
        }
        metrics.memoryLimit = (try? CgroupV1MemoryLimit.parse(try paths.read(memory + "/memory.limit_in_bytes")))?.bytes
        if let oom = try? CgroupV1MemoryOOMControl.parse(try paths.read(memory + "/memory.oom_control")) {
            metrics.oomEvents = oom.oomKills
        }
        let blkio = directories["blkio"]!
        if let io = try? CgroupV1BlkioServiceBytes.parse(try paths.read(blkio + "/blkio.throttle.io_service_bytes")) {
            metrics.blkio = io.devices.map { ($0.major, $0.minor, $0.read, $0.write) }
        }
        let pids = directories["pids"]!
        metrics.tasks = try? CgroupSingleValue.number(try paths.read(pids + "/pids.current"), file: "pids.current")
        metrics.tasksMax = try? CgroupSingleValue.limit(try paths.read(pids + "/pids.max"), file: "pids.max")
    }

    /// The cgroup directory for `path` under a mount. With a cgroup namespace (the usual
    /// container case) the mount already is the container's cgroup and `path` does not
    /// exist under it: then the mount root itself is the container's directory.
    private func locate(root: String, path: String?) -> (directory: String, id: String) {
        guard let path, path != "/" else { return (root, "/") }
        let candidate = root + path
        return access(candidate, F_OK) == 0 ? (candidate, path) : (root, path)
    }
}

/// The values one collection found, whatever the cgroup version, written as families.
private struct ContainerMetrics {
    var id = "/"
    var cpuUsage: Double = 0
    var cpuUser: Double?
    var cpuSystem: Double?
    var periods: UInt64?
    var throttledPeriods: UInt64?
    var throttledSeconds: Double?
    var quotaUsec: UInt64?
    var periodUsec: UInt64?
    var memoryUsage: UInt64 = 0
    var workingSet: UInt64?
    var rss: UInt64?
    var cache: UInt64?
    var mappedFile: UInt64?
    var memoryLimit: UInt64?
    var oomEvents: UInt64?
    var blkio: [(major: UInt32, minor: UInt32, read: UInt64, write: UInt64)] = []
    var tasks: UInt64?
    var tasksMax: UInt64?

    func write(to writer: inout some MetricWriter) {
        func add(_ name: String, _ help: String, _ kind: MetricFamily.Kind, _ unit: String, _ value: Double?) {
            guard let value else { return }
            writer.family(name, help: help, kind: kind, unit: unit)
            writer.sample(value, ("id", id))
        }
        add("container_cpu_usage_seconds_total", "Cumulative cpu time consumed in seconds.", .counter, "s", cpuUsage)
        add("container_cpu_user_seconds_total", "Cumulative user cpu time consumed in seconds.", .counter, "s", cpuUser)
        add("container_cpu_system_seconds_total", "Cumulative system cpu time consumed in seconds.", .counter, "s", cpuSystem)
        add("container_cpu_cfs_periods_total", "Number of elapsed enforcement period intervals.", .counter, "", periods.map { Double($0) })
        add("container_cpu_cfs_throttled_periods_total", "Number of throttled period intervals.", .counter, "",
            throttledPeriods.map { Double($0) })
        add("container_cpu_cfs_throttled_seconds_total", "Total time duration the container has been throttled.", .counter, "s",
            throttledSeconds)
        // cAdvisor reports 0 for "no quota"; the series is left out here instead, so
        // `usage / quota` in a dashboard yields no data rather than a division by zero.
        add("container_spec_cpu_quota", "CPU quota of the container (microseconds per period).", .gauge, "us", quotaUsec.map { Double($0) })
        add("container_spec_cpu_period", "CPU period of the container (microseconds).", .gauge, "us", periodUsec.map { Double($0) })
        add("container_memory_usage_bytes", "Current memory usage in bytes, including all memory regardless of when it was accessed.",
            .gauge, "By", Double(memoryUsage))
        add("container_memory_working_set_bytes", "Current working set in bytes.", .gauge, "By", workingSet.map { Double($0) })
        add("container_memory_rss", "Size of RSS in bytes.", .gauge, "By", rss.map { Double($0) })
        add("container_memory_cache", "Number of bytes of page cache memory.", .gauge, "By", cache.map { Double($0) })
        add("container_memory_mapped_file", "Size of memory mapped files in bytes.", .gauge, "By", mappedFile.map { Double($0) })
        add("container_spec_memory_limit_bytes", "Memory limit for the container (0 when unlimited).", .gauge, "By",
            Double(memoryLimit ?? 0))
        add("container_oom_events_total", "Count of out of memory events observed for the container.", .counter, "",
            oomEvents.map { Double($0) })
        add("container_threads", "Number of threads running inside the container.", .gauge, "", tasks.map { Double($0) })
        if tasks != nil {
            add("container_threads_max", "Maximum number of threads allowed inside the container (0 when unlimited).", .gauge, "",
                Double(tasksMax ?? 0))
        }
        if !blkio.isEmpty {
            writer.family("container_blkio_device_usage_total", help: "Blkio device bytes usage.", kind: .counter, unit: "By")
            for device in blkio {
                let base: [(name: String, value: String)] = [("id", id), ("major", String(device.major)), ("minor", String(device.minor))]
                writer.sample(Double(device.read), Labels(base + [("operation", "Read")]))
                writer.sample(Double(device.write), Labels(base + [("operation", "Write")]))
            }
        }
    }
}
