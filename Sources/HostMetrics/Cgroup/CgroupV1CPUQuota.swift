extension CgroupCPUMax {
    /// Builds the v2-shaped limit from cgroup v1's two files, `cpu.cfs_quota_us` and
    /// `cpu.cfs_period_us` (both microseconds), so collectors handle one type.
    ///
    /// A quota of -1 is v1's "no limit" and becomes nil; any other negative quota is an
    /// error (the kernel rejects it on write, so it means a foreign file). A period of 0 is
    /// rejected as in v2.
    public static func parseV1(quota: [UInt8], period: [UInt8]) throws(ParseError) -> CgroupCPUMax {
        let quotaValue = try CgroupSingleValue.signed(quota, file: "cpu.cfs_quota_us")
        let periodValue = try CgroupSingleValue.number(period, file: "cpu.cfs_period_us")
        guard periodValue > 0 else { throw ParseError(file: "cpu.cfs_period_us", line: 1, "period is 0") }
        switch quotaValue {
        case -1:
            return CgroupCPUMax(quotaUsec: nil, periodUsec: periodValue)
        case ..<0:
            throw ParseError(file: "cpu.cfs_quota_us", line: 1, "negative quota \(quotaValue) (only -1, unlimited, is valid)")
        default:
            return CgroupCPUMax(quotaUsec: UInt64(quotaValue), periodUsec: periodValue)
        }
    }
}
