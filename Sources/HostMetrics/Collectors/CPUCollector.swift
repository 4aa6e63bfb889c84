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

    public func write(to writer: inout some MetricWriter) throws {
        let stat = try ProcStat.parse(try paths.read(paths.proc("stat")))
        writer.family("node_cpu_seconds_total", help: "Seconds the CPUs spent in each mode.", kind: .counter, unit: "s")
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
        writer.family(
            "node_cpu_guest_seconds_total", help: "Seconds the CPUs spent in guests (VMs) for each mode.", kind: .counter, unit: "s")
        for cpu in stat.cpus {
            let index = ("cpu", String(cpu.index))
            let times = cpu.times.seconds(ticksPerSecond: ticksPerSecond)
            writer.sample(times.guestNice, index, ("mode", "nice"))
            writer.sample(times.guest, index, ("mode", "user"))
        }

        func single(_ name: String, _ help: String, _ kind: MetricFamily.Kind, _ value: UInt64?) {
            guard let value else { return }
            writer.family(name, help: help, kind: kind)
            writer.sample(Double(value))
        }
        single("node_boot_time_seconds", "Node boot time, in unixtime.", .gauge, stat.bootTime)
        single("node_context_switches_total", "Total number of context switches.", .counter, stat.contextSwitches)
        single("node_forks_total", "Total number of forks.", .counter, stat.processesCreated)
        single("node_intr_total", "Total number of interrupts serviced.", .counter, stat.interruptsTotal)
        single("node_procs_blocked", "Number of processes blocked waiting for I/O to complete.", .gauge, stat.procsBlocked)
        single("node_procs_running", "Number of processes in runnable state.", .gauge, stat.procsRunning)
    }
}
