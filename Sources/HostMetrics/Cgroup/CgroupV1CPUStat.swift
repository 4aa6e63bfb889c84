/// cgroup v1 `cpu.stat`: CFS throttling, for `container_cpu_cfs_periods_total`,
/// `container_cpu_cfs_throttled_periods_total` and `container_cpu_cfs_throttled_seconds_total`.
/// Unlike v2, times here are in NANOSECONDS and the file has no usage (that is cpuacct's).
public struct CgroupV1CPUStat: Sendable, Hashable {
    public var periods: UInt64
    public var throttledPeriods: UInt64
    /// `throttled_time`, nanoseconds.
    public var throttledNanoseconds: UInt64
    /// `nr_bursts`, Linux 5.14+.
    public var bursts: UInt64?
    /// `burst_time`, nanoseconds, Linux 5.14+.
    public var burstNanoseconds: UInt64?
    /// Any other numeric key (`wait_sum` with schedstats, …).
    public var other: [String: UInt64]

    public init(
        periods: UInt64, throttledPeriods: UInt64, throttledNanoseconds: UInt64,
        bursts: UInt64? = nil, burstNanoseconds: UInt64? = nil, other: [String: UInt64] = [:]
    ) {
        self.periods = periods
        self.throttledPeriods = throttledPeriods
        self.throttledNanoseconds = throttledNanoseconds
        self.bursts = bursts
        self.burstNanoseconds = burstNanoseconds
        self.other = other
    }

    static let file = "cpu.stat"
    private static let typedKeys: [StaticString] = ["nr_periods", "nr_throttled", "throttled_time", "nr_bursts", "burst_time"]

    /// The three throttling keys are always written (with CONFIG_CFS_BANDWIDTH, which every
    /// distribution kernel has), so a missing one is an error; so is an empty file.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> CgroupV1CPUStat {
        let values = try ByteScanner.flatKeyedUInt64s(bytes, file: file, strict: typedKeys)
        return CgroupV1CPUStat(
            periods: try values.require("nr_periods", file: file),
            throttledPeriods: try values.require("nr_throttled", file: file),
            throttledNanoseconds: try values.require("throttled_time", file: file),
            bursts: values["nr_bursts"],
            burstNanoseconds: values["burst_time"],
            other: values.filter { key, _ in !typedKeys.contains { $0.description == key } }
        )
    }
}
