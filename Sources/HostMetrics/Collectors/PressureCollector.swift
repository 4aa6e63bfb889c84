import Telemetry

/// node_exporter's `pressure` collector (PSI, kernel 4.20+): total stall time per resource.
/// A kernel without /proc/pressure makes the collector fail, which is reported once.
public struct PressureCollector: HostCollector {
    public let name = "pressure"
    let paths: HostPaths

    public init(paths: HostPaths) {
        self.paths = paths
    }

    static let cpuWaiting = MetricDescriptor(
        "node_pressure_cpu_waiting_seconds_total", help: "Total time in seconds that processes have waited for CPU time",
        kind: .counter, unit: "s")
    static let ioWaiting = MetricDescriptor(
        "node_pressure_io_waiting_seconds_total", help: "Total time in seconds that processes have waited due to IO congestion",
        kind: .counter, unit: "s")
    static let ioStalled = MetricDescriptor(
        "node_pressure_io_stalled_seconds_total", help: "Total time in seconds no process could make progress due to IO congestion",
        kind: .counter, unit: "s")
    static let memoryWaiting = MetricDescriptor(
        "node_pressure_memory_waiting_seconds_total", help: "Total time in seconds that processes have waited for memory",
        kind: .counter, unit: "s")
    static let memoryStalled = MetricDescriptor(
        "node_pressure_memory_stalled_seconds_total",
        help: "Total time in seconds no process could make progress due to memory congestion", kind: .counter, unit: "s")

    public func write(to writer: inout some MetricWriter) throws {
        let cpu = try Pressure.parse(try paths.read(paths.proc("pressure/cpu")), resource: .cpu)
        let memory = try Pressure.parse(try paths.read(paths.proc("pressure/memory")), resource: .memory)
        let io = try Pressure.parse(try paths.read(paths.proc("pressure/io")), resource: .io)
        func total(_ descriptor: MetricDescriptor, _ line: Pressure.Line?) {
            guard let line else { return }
            writer.family(descriptor)
            writer.sample(line.totalSeconds)
        }
        total(Self.cpuWaiting, cpu.some)
        total(Self.ioWaiting, io.some)
        total(Self.ioStalled, io.full)
        total(Self.memoryWaiting, memory.some)
        total(Self.memoryStalled, memory.full)
    }
}
