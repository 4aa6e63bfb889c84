import Telemetry

/// What one process costs, from /proc/[pid]/{stat,fd} (and `limits` when asked for): the
/// numbers behind the standard `process_*` metrics.
public struct ProcessSample: Sendable, Hashable {
    public var pid: Int32
    public var name: String
    public var cpuSeconds: Double
    public var residentBytes: UInt64
    public var virtualBytes: UInt64
    public var threads: UInt64
    public var startTimeSeconds: Double
    public var openFDs: Int?
    public var maxFDs: UInt64?

    /// - Parameters:
    ///   - process: `self` or a PID, as a directory name under the proc root.
    ///   - bootTime: seconds since the epoch at boot (`btime` in /proc/stat); process start
    ///     times are counted from boot.
    ///   - withLimits: read /proc/[pid]/limits for `maxFDs`; the kernel formats the whole
    ///     table on each read, so it is skipped when nobody reports the limit.
    ///   - fdCountBySize: `ProcessFinder.fdDirectorySizeIsCount` for this proc root.
    public static func read(
        _ process: String, paths: HostPaths, bootTime: Double, withLimits: Bool = false, fdCountBySize: Bool = false
    ) throws -> ProcessSample {
        let directory = paths.proc(process)
        let stat = try ProcessStat.parse(try paths.read(directory + "/stat"))
        let ticks = SystemConstants.clockTicksPerSecond
        // Descriptors of another user's process need CAP_SYS_PTRACE: leave them out, keep the rest.
        let openFDs = try? ProcessFinder.openFileDescriptorCount(pid: stat.pid, procRoot: paths.procRoot, bySize: fdCountBySize)
        let limits = withLimits ? try? ProcessLimits.parse(try paths.read(directory + "/limits")) : nil
        return ProcessSample(
            pid: stat.pid, name: stat.comm,
            cpuSeconds: (Double(stat.userTicks) + Double(stat.systemTicks)) / ticks,
            residentBytes: stat.rssPages * SystemConstants.pageSize,
            virtualBytes: stat.virtualBytes,
            threads: stat.threads,
            startTimeSeconds: bootTime + Double(stat.startTimeTicks) / ticks,
            openFDs: openFDs,
            maxFDs: limits?.openFiles.soft)
    }

    /// `btime` from /proc/stat, read once per collector: the boot time does not change.
    public static func bootTime(paths: HostPaths) -> Double? {
        guard let bytes = try? paths.read(paths.proc("stat")), let stat = try? ProcStat.parse(bytes),
              let bootTime = stat.bootTime else { return nil }
        return Double(bootTime)
    }
}
