import Telemetry

/// node_exporter's `cpu` and `stat` collectors from one read of /proc/stat:
/// `node_cpu_seconds_total{cpu,mode}`, `node_cpu_guest_seconds_total{cpu,mode}`, context
/// switches, forks, interrupts, boot time and running/blocked processes.
public struct CPUCollector: HostCollector {
    public let name = "cpu"
    let paths: HostPaths
    let ticksPerSecond: Double

    public init(paths: HostPaths, ticksPerSecond: Double = SystemConstants.clockTicksPerSecond) {
        self.paths = paths
        self.ticksPerSecond = ticksPerSecond
    }

    static let seconds = MetricDescriptor(
        "node_cpu_seconds_total", help: "Seconds the CPUs spent in each mode.", kind: .counter, unit: "s")
    static let guestSeconds = MetricDescriptor(
        "node_cpu_guest_seconds_total", help: "Seconds the CPUs spent in guests (VMs) for each mode.", kind: .counter, unit: "s")
    static let bootTime = MetricDescriptor("node_boot_time_seconds", help: "Node boot time, in unixtime.", kind: .gauge)
    static let contextSwitches = MetricDescriptor(
        "node_context_switches_total", help: "Total number of context switches.", kind: .counter)
    static let forks = MetricDescriptor("node_forks_total", help: "Total number of forks.", kind: .counter)
    static let interrupts = MetricDescriptor("node_intr_total", help: "Total number of interrupts serviced.", kind: .counter)
    static let procsBlocked = MetricDescriptor(
        "node_procs_blocked", help: "Number of processes blocked waiting for I/O to complete.", kind: .gauge)
    static let procsRunning = MetricDescriptor("node_procs_running", help: "Number of processes in runnable state.", kind: .gauge)

    public func write(to writer: inout some MetricWriter) throws {
        let stat = try ProcStat.parse(try paths.read(paths.proc("stat")))
        writer.family(Self.seconds)
        for cpu in stat.cpus {
            let index = ("cpu", String(cpu.index))
            let times = cpu.times.seconds(ticksPerSecond: ticksPerSecond)
            // node_exporter's order, so side-by-side diffs line up.
            writer.sample(times.idle, index, ("mode", "idle"))
            writer.sample(times.iowait, index, ("mode", "iowait"))
            writer.sample(times.irq, index, ("mode", "irq"))
            writer.sample(times.nice, index, ("mode", "nice"))
            writer.sample(times.softirq, index, ("mode", "softirq"))
            writer.sample(times.steal, index, ("mode", "steal"))
            writer.sample(times.system, index, ("mode", "system"))
            writer.sample(times.user, index, ("mode", "user"))
        }
        writer.family(Self.guestSeconds)
        for cpu in stat.cpus {
            let index = ("cpu", String(cpu.index))
            let times = cpu.times.seconds(ticksPerSecond: ticksPerSecond)
            writer.sample(times.guestNice, index, ("mode", "nice"))
            writer.sample(times.guest, index, ("mode", "user"))
        }

        func single(_ descriptor: MetricDescriptor, _ value: UInt64?) {
            guard let value else { return }
            writer.family(descriptor)
            writer.sample(Double(value))
        }
        single(Self.bootTime, stat.bootTime)
        single(Self.contextSwitches, stat.contextSwitches)
        single(Self.forks, stat.processesCreated)
        single(Self.interrupts, stat.interruptsTotal)
        single(Self.procsBlocked, stat.procsBlocked)
        single(Self.procsRunning, stat.procsRunning)
    }
}
