/// cgroup v2 `memory.stat`: the breakdown of the container's memory, needed above all for
/// the working set (`container_memory_working_set_bytes`), the number the kubelet evicts
/// on and the OOM killer effectively compares with `memory.max`.
///
/// The file has ~50 keys and gains more with each kernel, so all numeric keys are kept in
/// `values`; the accessors name the ones collectors use. Sizes are in bytes, event counts
/// (`pgfault`, …) are counts.
public struct CgroupMemoryStat: Sendable, Hashable {
    public var values: [String: UInt64]

    public init(values: [String: UInt64]) {
        self.values = values
    }

    /// Anonymous memory (heap, stacks, anonymous mmaps): `container_memory_rss` on v2.
    public var anon: UInt64? { values["anon"] }
    /// Page cache, including tmpfs/shmem: `container_memory_cache` on v2.
    public var file: UInt64? { values["file"] }
    public var kernelStack: UInt64? { values["kernel_stack"] }
    public var slab: UInt64? { values["slab"] }
    public var sock: UInt64? { values["sock"] }
    public var shmem: UInt64? { values["shmem"] }
    /// Mapped file pages: `container_memory_mapped_file`.
    public var fileMapped: UInt64? { values["file_mapped"] }
    public var fileDirty: UInt64? { values["file_dirty"] }
    public var fileWriteback: UInt64? { values["file_writeback"] }
    public var activeAnon: UInt64? { values["active_anon"] }
    public var inactiveAnon: UInt64? { values["inactive_anon"] }
    public var activeFile: UInt64? { values["active_file"] }
    /// Page cache the kernel would reclaim first; subtracted for the working set.
    public var inactiveFile: UInt64? { values["inactive_file"] }
    public var unevictable: UInt64? { values["unevictable"] }
    public var pgfault: UInt64? { values["pgfault"] }
    public var pgmajfault: UInt64? { values["pgmajfault"] }

    /// cAdvisor's working set: `usage − inactive_file`, floored at 0 (inactive_file is read
    /// at a slightly different instant than usage and can exceed it). If the key is missing,
    /// the working set is the whole usage, as in cAdvisor.
    ///
    /// - Parameter usage: `memory.current`, in bytes.
    public func workingSet(usage: UInt64) -> UInt64 {
        let inactive = inactiveFile ?? 0
        return usage > inactive ? usage - inactive : 0
    }

    static let fileName = "memory.stat"
    private static let typedKeys: [StaticString] = [
        "anon", "file", "kernel_stack", "slab", "sock", "shmem", "file_mapped", "file_dirty",
        "file_writeback", "active_anon", "inactive_anon", "active_file", "inactive_file",
        "unevictable", "pgfault", "pgmajfault",
    ]

    /// Parses the flat-keyed file. A named key with a bad value is an error with its line; an
    /// unknown key with a non-numeric value is skipped. Empty is an error: the kernel always
    /// writes every key, zero or not.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> CgroupMemoryStat {
        CgroupMemoryStat(values: try ByteScanner.flatKeyedUInt64s(bytes, file: fileName, strict: typedKeys))
    }
}
