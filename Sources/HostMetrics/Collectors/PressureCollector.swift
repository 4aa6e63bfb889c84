import Telemetry

/// node_exporter's `pressure` collector (PSI, kernel 4.20+): total stall time per resource.
/// A kernel without /proc/pressure makes the collector fail, which is reported once.
public struct PressureCollector: HostCollector {
    public let name = "pressure"
    let paths: HostPaths

    public init(paths: HostPaths) {
        self.paths = paths
    }

    public func write(to writer: inout some MetricWriter) throws {
        let cpu = try Pressure.parse(try paths.read(paths.proc("pressure/cpu")), resource: .cpu)
        let memory = try Pressure.parse(try paths.read(paths.proc("pressure/memory")), resource: .memory)
        let io = try Pressure.parse(try paths.read(paths.proc("pressure/io")), resource: .io)
        func total(_ name: String, _ help: String, _ line: Pressure.Line?) {
            guard let line else { return }
            writer.family(name, help: help, kind: .counter, unit: "s")
            writer.sample(line.totalSeconds)
        }
        total("node_pressure_cpu_waiting_seconds_total", "Total time in seconds that processes have waited for CPU time", cpu.some)
        total("node_pressure_io_waiting_seconds_total", "Total time in seconds that processes have waited due to IO congestion", io.some)
        total("node_pressure_io_stalled_seconds_total", "Total time in seconds no process could make progress due to IO congestion", io.full)
        total("node_pressure_memory_waiting_seconds_total", "Total time in seconds that processes have waited for memory", memory.some)
        total("node_pressure_memory_stalled_seconds_total", "Total time in seconds no process could make progress due to memory congestion", memory.full)
    }
}
