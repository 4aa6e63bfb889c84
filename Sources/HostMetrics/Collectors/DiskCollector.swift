import Telemetry

/// node_exporter's `diskstats` collector: `node_disk_*{device}` from /proc/diskstats, with
/// node_exporter's default device exclusion (partitions, loop and ram devices).
public struct DiskCollector: HostCollector {
    public let name = "disk"
    let paths: HostPaths
    /// Extra device names to leave out, on top of node_exporter's default pattern.
    let excludedDevices: Set<String>

    public init(paths: HostPaths, excludedDevices: Set<String> = []) {
        self.paths = paths
        self.excludedDevices = excludedDevices
    }

    typealias Field = (descriptor: MetricDescriptor, value: @Sendable (DiskStats.Device) -> Double?)

    /// node_exporter's series, in its order; built once rather than on every scrape.
    static let fields: [Field] = {
        let ms = 1000.0
        let fields: [(String, String, MetricFamily.Kind, @Sendable (DiskStats.Device) -> Double?)] = [
            ("node_disk_reads_completed_total", "The total number of reads completed successfully.", .counter, { Double($0.readsCompleted) }),
            ("node_disk_reads_merged_total", "The total number of reads merged.", .counter, { Double($0.readsMerged) }),
            ("node_disk_read_bytes_total", "The total number of bytes read successfully.", .counter, { $0.bytesRead }),
            ("node_disk_read_time_seconds_total", "The total number of seconds spent by all reads.", .counter,
             { Double($0.readTimeMilliseconds) / ms }),
            ("node_disk_writes_completed_total", "The total number of writes completed successfully.", .counter,
             { Double($0.writesCompleted) }),
            ("node_disk_writes_merged_total", "The number of writes merged.", .counter, { Double($0.writesMerged) }),
            ("node_disk_written_bytes_total", "The total number of bytes written successfully.", .counter, { $0.bytesWritten }),
            ("node_disk_write_time_seconds_total", "This is the total number of seconds spent by all writes.", .counter,
             { Double($0.writeTimeMilliseconds) / ms }),
            ("node_disk_io_now", "The number of I/Os currently in progress.", .gauge, { Double($0.ioInProgress) }),
            ("node_disk_io_time_seconds_total", "Total seconds spent doing I/Os.", .counter, { Double($0.ioTimeMilliseconds) / ms }),
            ("node_disk_io_time_weighted_seconds_total", "The weighted # of seconds spent doing I/Os.", .counter,
             { Double($0.weightedIOTimeMilliseconds) / ms }),
            ("node_disk_discards_completed_total", "The total number of discards completed successfully.", .counter,
             { $0.discards.map { Double($0.completed) } }),
            ("node_disk_discards_merged_total", "The total number of discards merged.", .counter,
             { $0.discards.map { Double($0.merged) } }),
            ("node_disk_discarded_sectors_total", "The total number of sectors discarded successfully.", .counter,
             { $0.discards.map { Double($0.sectors) } }),
            ("node_disk_discard_time_seconds_total", "This is the total number of seconds spent by all discards.", .counter,
             { $0.discards.map { Double($0.timeMilliseconds) / ms } }),
            ("node_disk_flush_requests_total", "The total number of flush requests completed successfully", .counter,
             { $0.flushes.map { Double($0.completed) } }),
            ("node_disk_flush_requests_time_seconds_total", "This is the total number of seconds spent by all flush requests.",
             .counter, { $0.flushes.map { Double($0.timeMilliseconds) / ms } }),
        ]
        return fields.map { name, help, kind, value in (MetricDescriptor(name, help: help, kind: kind), value) }
    }()

    public func write(to writer: inout some MetricWriter) throws {
        let stats = try DiskStats.parse(try paths.read(paths.proc("diskstats")))
        let devices = stats.devices.filter { !DiskStats.isExcludedByDefault($0.name) && !excludedDevices.contains($0.name) }
        for field in Self.fields {
            writer.family(field.descriptor)
            for device in devices {
                if let value = field.value(device) { writer.sample(value, ("device", device.name)) }
            }
        }
    }
}
