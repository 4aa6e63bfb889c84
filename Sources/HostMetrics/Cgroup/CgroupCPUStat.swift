/// cgroup v2 `cpu.stat`: the container's CPU time and CFS throttling, behind
/// `container_cpu_usage_seconds_total`, `container_cpu_user_seconds_total`,
/// `container_cpu_cfs_periods_total`, `container_cpu_cfs_throttled_periods_total` and
/// `container_cpu_cfs_throttled_seconds_total`. All times are in microseconds.
public struct CgroupCPUStat: Sendable, Hashable {
    public var usageUsec: UInt64
    public var userUsec: UInt64
    public var systemUsec: UInt64
    /// The throttling counters exist only when the cpu controller is enabled for the cgroup
    /// (the three usage keys come from the core and are always there), hence optional.
    public var periods: UInt64?
    public var throttledPeriods: UInt64?
    public var throttledUsec: UInt64?
    /// Burst counters, Linux 5.14+ and only with the cpu controller.
    public var bursts: UInt64?
    public var burstUsec: UInt64?
    /// Every other numeric key (`nice_usec`, `core_sched.force_idle_usec`, …), kept so a new
    /// kernel's counters can be exported without a parser change.
    public var other: [String: UInt64]

    public init(
        usageUsec: UInt64, userUsec: UInt64, systemUsec: UInt64,
        periods: UInt64? = nil, throttledPeriods: UInt64? = nil, throttledUsec: UInt64? = nil,
        bursts: UInt64? = nil, burstUsec: UInt64? = nil, other: [String: UInt64] = [:]
    ) {
        self.usageUsec = usageUsec
        self.userUsec = userUsec
        self.systemUsec = systemUsec
        self.periods = periods
        self.throttledPeriods = throttledPeriods
        self.throttledUsec = throttledUsec
        self.bursts = bursts
        self.burstUsec = burstUsec
        self.other = other
    }

    static let file = "cpu.stat"
    private static let typedKeys: [StaticString] = [
        "usage_usec", "user_usec", "system_usec", "nr_periods", "nr_throttled", "throttled_usec",
        "nr_bursts", "burst_usec",
    ]

    /// Parses the flat-keyed file; unknown keys land in `other` (or are skipped if not
    /// numeric). An empty file is an error: the kernel always writes the usage keys.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> CgroupCPUStat {
        let values = try ByteScanner.flatKeyedUInt64s(bytes, file: file, strict: typedKeys)
        return CgroupCPUStat(
            usageUsec: try values.require("usage_usec", file: file),
            userUsec: try values.require("user_usec", file: file),
            systemUsec: try values.require("system_usec", file: file),
            periods: values["nr_periods"],
            throttledPeriods: values["nr_throttled"],
            throttledUsec: values["throttled_usec"],
            bursts: values["nr_bursts"],
            burstUsec: values["burst_usec"],
            other: values.filter { key, _ in !typedKeys.contains { $0.description == key } }
        )
    }
}
