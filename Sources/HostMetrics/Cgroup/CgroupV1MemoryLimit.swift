/// cgroup v1 `memory.limit_in_bytes` (also `memory.memsw.limit_in_bytes`,
/// `memory.soft_limit_in_bytes`): the container's memory limit, `container_spec_memory_limit_bytes`.
///
/// v1 has no `max`: "no limit" is stored as PAGE_COUNTER_MAX pages and read back as
/// LONG_MAX rounded down to the page size, 9223372036854771712 with 4 KiB pages and
/// 9223372036854710272 with 64 KiB pages (arm64, ppc64le).
public struct CgroupV1MemoryLimit: Sendable, Hashable {
    /// The limit in bytes; nil when unlimited.
    public var bytes: UInt64?

    public init(bytes: UInt64?) {
        self.bytes = bytes
    }

    /// Values at or above 2^62 bytes (4 EiB) mean "unlimited". The real sentinel is just
    /// under 2^63 and varies with the page size, so an exact comparison would miss some
    /// architectures; no machine has 4 EiB, so nothing real is lost by the margin.
    public static let unlimitedThreshold: UInt64 = 1 << 62

    static let file = "memory.limit_in_bytes"

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> CgroupV1MemoryLimit {
        let value = try CgroupSingleValue.number(bytes, file: file)
        return CgroupV1MemoryLimit(bytes: value >= unlimitedThreshold ? nil : value)
    }
}
