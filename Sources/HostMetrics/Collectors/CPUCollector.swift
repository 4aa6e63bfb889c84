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

    public func collect(into families: inout [MetricFamily]) throws {
        let stat = try ProcStat.parse(try paths.read(paths.proc("stat")))
        var seconds = MetricFamily(
            name: "node_cpu_seconds_total", help: "Seconds the CPUs spent in each mode.", kind: .counter, unit: "s")
        var guest = MetricFamily(
            name: "node_cpu_guest_seconds_total", help: "Seconds the CPUs spent in guests (VMs) for each mode.",
            kind: .counter, unit: "s")
        seconds.samples.reserveCapacity(stat.cpus.count * 8)
        for cpu in stat.cpus {
            let index = String(cpu.index)
            let times = cpu.times.seconds(ticksPerSecond: ticksPerSecond)
            // node_exporter's order, so side-by-side diffs line up.
            for (mode, value) in [
                ("idle", times.idle), ("iowait", times.iowait), ("irq", times.irq), ("nice", times.nice),
                ("softirq", times.softirq), ("steal", times.steal), ("system", times.system), ("user", times.user),
            ] {
                seconds.add(value, ["cpu": index, "mode": mode])
            }
            guest.add(times.guestNice, ["cpu": index, "mode": "nice"])
            guest.add(times.guest, ["cpu": index, "mode": "user"])
        }
        families.append(seconds)
        families.append(guest)

        func single(_ name: String, _ help: String, _ kind: MetricFamily.Kind, _ value: UInt64?) {
            guard let value else { return }
            var family = MetricFamily(name: name, help: help, kind: kind)
            family.add(Double(value))
            families.append(family)
        }
        single("node_boot_time_seconds", "Node boot time, in unixtime.", .gauge, stat.bootTime)
        single("node_context_switches_total", "Total number of context switches.", .counter, stat.contextSwitches)
        single("node_forks_total", "Total number of forks.", .counter, stat.processesCreated)
        single("node_intr_total", "Total number of interrupts serviced.", .counter, stat.interruptsTotal)
        single("node_procs_blocked", "Number of processes blocked waiting for I/O to complete.", .gauge, stat.procsBlocked)
        single("node_procs_running", "Number of processes in runnable state.", .gauge, stat.procsRunning)
    }
}
