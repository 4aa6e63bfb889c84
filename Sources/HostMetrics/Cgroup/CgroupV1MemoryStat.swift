/// cgroup v1 `memory.stat`: the memory breakdown behind `container_memory_rss`,
/// `container_memory_cache`, `container_memory_mapped_file` and, with `memory.usage_in_bytes`,
/// `container_memory_working_set_bytes`.
///
/// Each counter comes twice: `cache` is this cgroup alone, `total_cache` includes its
/// descendants. cAdvisor uses the `total_*` values, because a container's processes may live
/// in child cgroups. All numeric keys are kept in `values`; sizes are bytes.
public struct CgroupV1MemoryStat: Sendable, Hashable {
    public var values: [String: UInt64]

    public init(values: [String: UInt64]) {
        self.values = values
    }

    public var cache: UInt64? { values["cache"] }
    public var rss: UInt64? { values["rss"] }
    public var mappedFile: UInt64? { values["mapped_file"] }
    public var inactiveFile: UInt64? { values["inactive_file"] }
    public var activeFile: UInt64? { values["active_file"] }
    public var totalCache: UInt64? { values["total_cache"] }
    public var totalRSS: UInt64? { values["total_rss"] }
    public var totalMappedFile: UInt64? { values["total_mapped_file"] }
    public var totalInactiveFile: UInt64? { values["total_inactive_file"] }
    public var totalActiveFile: UInt64? { values["total_active_file"] }
    /// `hierarchical_memory_limit`: the effective limit including ancestors' limits.
    public var hierarchicalMemoryLimit: UInt64? { values["hierarchical_memory_limit"] }

    /// cAdvisor's v1 working set: `usage − total_inactive_file`, floored at 0; the whole
    /// usage if the key is missing.
    ///
    /// - Parameter usage: `memory.usage_in_bytes`, in bytes.
    public func workingSet(usage: UInt64) -> UInt64 {
        let inactive = totalInactiveFile ?? 0
        return usage > inactive ? usage - inactive : 0
    }

    static let file = "memory.stat"
    private static let typedKeys: [StaticString] = [
        "cache", "rss", "mapped_file", "inactive_file", "active_file", "total_cache", "total_rss",
        "total_mapped_file", "total_inactive_file", "total_active_file", "hierarchical_memory_limit",
    ]

    /// A named key with a bad value throws with its line; unknown non-numeric keys are
    /// skipped. Empty is an error: the kernel always writes every key.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> CgroupV1MemoryStat {
        CgroupV1MemoryStat(values: try ByteScanner.flatKeyedUInt64s(bytes, file: file, strict: typedKeys))
    }
}
