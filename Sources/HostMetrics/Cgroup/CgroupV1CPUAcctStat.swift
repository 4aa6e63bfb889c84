/// cgroup v1 `cpuacct.stat`: the container's CPU time split into user and system, for
/// `container_cpu_user_seconds_total` / `container_cpu_system_seconds_total` (the total
/// comes from `cpuacct.usage`, in nanoseconds, via `CgroupSingleValue.number`).
///
/// Values are in USER_HZ clock ticks (`sysconf(_SC_CLK_TCK)`, 100 on mainstream Linux),
/// not nanoseconds, whatever the kernel's internal HZ.
public struct CgroupV1CPUAcctStat: Sendable, Hashable {
    public var userTicks: UInt64
    public var systemTicks: UInt64

    public init(userTicks: UInt64, systemTicks: UInt64) {
        self.userTicks = userTicks
        self.systemTicks = systemTicks
    }

    static let file = "cpuacct.stat"

    /// Both keys are always written; unknown numeric keys are ignored. Empty is an error.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> CgroupV1CPUAcctStat {
        let values = try ByteScanner.flatKeyedUInt64s(bytes, file: file, strict: ["user", "system"])
        return CgroupV1CPUAcctStat(
            userTicks: try values.require("user", file: file),
            systemTicks: try values.require("system", file: file)
        )
    }
}
