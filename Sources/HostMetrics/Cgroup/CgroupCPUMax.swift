/// The container's CPU limit as a CFS quota per period: cgroup v2 `cpu.max`, or v1
/// `cpu.cfs_quota_us` + `cpu.cfs_period_us` (see `parseV1`). One type for both, so the
/// collector computes `container_spec_cpu_quota` / `_period` and "limit in cores"
/// (quota / period) once. Both values are in microseconds.
public struct CgroupCPUMax: Sendable, Hashable {
    /// CPU time the cgroup may use per period; nil when unlimited (`max`, or -1 on v1).
    public var quotaUsec: UInt64?
    public var periodUsec: UInt64

    public init(quotaUsec: UInt64?, periodUsec: UInt64) {
        self.quotaUsec = quotaUsec
        self.periodUsec = periodUsec
    }

    /// The limit in CPUs (`50000 100000` → 0.5), nil when unlimited.
    public var cores: Double? {
        guard let quotaUsec, periodUsec > 0 else { return nil }
        return Double(quotaUsec) / Double(periodUsec)
    }

    static let file = "cpu.max"

    /// Parses `$MAX $PERIOD` (`max 100000`, `50000 100000`); the kernel always writes both.
    /// A period of 0 is rejected: the kernel refuses it, and it would make `cores` divide by 0.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> CgroupCPUMax {
        let content = bytes[...].trimmingBlanks()
        guard !content.isEmpty else { throw ParseError(file: file, "empty file") }
        let fields = ByteScanner.fields(content)
        guard fields.count == 2 else {
            throw ParseError(file: file, line: 1, "expected `$MAX $PERIOD`, found \(fields.count) field(s)")
        }
        let quota: UInt64? = fields[0].equals("max") ? nil : try fields[0].requireUInt64(file: file, line: 1, key: "quota")
        let period = try fields[1].requireUInt64(file: file, line: 1, key: "period")
        guard period > 0 else { throw ParseError(file: file, line: 1, "period is 0") }
        return CgroupCPUMax(quotaUsec: quota, periodUsec: period)
    }
}
