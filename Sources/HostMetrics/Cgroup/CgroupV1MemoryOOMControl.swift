/// cgroup v1 `memory.oom_control`: whether the container is out of memory right now and,
/// on Linux 4.13+, how many of its processes the OOM killer has killed
/// (`container_oom_events_total`, as v2's `memory.events` `oom_kill`).
public struct CgroupV1MemoryOOMControl: Sendable, Hashable {
    /// The OOM killer is disabled for the cgroup (tasks hang instead of dying).
    public var oomKillDisabled: Bool
    /// The cgroup is out of memory at this moment.
    public var underOOM: Bool
    /// Kills so far; nil on kernels before 4.13, which do not write the key.
    public var oomKills: UInt64?

    public init(oomKillDisabled: Bool, underOOM: Bool, oomKills: UInt64?) {
        self.oomKillDisabled = oomKillDisabled
        self.underOOM = underOOM
        self.oomKills = oomKills
    }

    static let file = "memory.oom_control"

    /// `oom_kill_disable` and `under_oom` are required, each 0 or 1; unknown keys are skipped.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> CgroupV1MemoryOOMControl {
        var disabled: Bool?, under: Bool?, kills: UInt64?
        try ByteScanner.forEachKeyValue(bytes, file: file) { key, value, line throws(ParseError) in
            if key.equals("oom_kill_disable") {
                disabled = try flag(value, line: line, key: "oom_kill_disable")
            } else if key.equals("under_oom") {
                under = try flag(value, line: line, key: "under_oom")
            } else if key.equals("oom_kill") {
                kills = try value.requireUInt64(file: file, line: line, key: "oom_kill")
            }
        }
        guard let disabled, let under else {
            throw ParseError(file: file, "missing `oom_kill_disable` or `under_oom`")
        }
        return CgroupV1MemoryOOMControl(oomKillDisabled: disabled, underOOM: under, oomKills: kills)
    }

    private static func flag(_ value: ArraySlice<UInt8>, line: Int, key: StaticString) throws(ParseError) -> Bool {
        if value.equals("0") { return false }
        if value.equals("1") { return true }
        throw ParseError(file: file, line: line, "\(key): expected 0 or 1")
    }
}
