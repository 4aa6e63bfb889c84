/// cgroup v2 `memory.events`: how often the container hit its memory boundaries. `oomKill`
/// is `container_oom_events_total`, the counter that tells a platform engineer a restart
/// was an OOM kill and not a crash. All values are event counts since the cgroup was made.
public struct CgroupMemoryEvents: Sendable, Hashable {
    /// Reclaimed below `memory.low` protection.
    public var low: UInt64
    /// Throttled and reclaimed for exceeding `memory.high`.
    public var high: UInt64
    /// Reached `memory.max` (allocation about to fail).
    public var max: UInt64
    /// The cgroup's OOM killer was invoked (not necessarily killing anything).
    public var oom: UInt64
    /// Processes killed by any OOM killer.
    public var oomKill: UInt64
    /// `oom_group_kill` (Linux 5.17+): the whole group was killed via `memory.oom.group`.
    public var oomGroupKill: UInt64?
    /// Any other numeric key a newer kernel adds (`sock_throttled`, …).
    public var other: [String: UInt64]

    public init(
        low: UInt64, high: UInt64, max: UInt64, oom: UInt64, oomKill: UInt64,
        oomGroupKill: UInt64? = nil, other: [String: UInt64] = [:]
    ) {
        self.low = low
        self.high = high
        self.max = max
        self.oom = oom
        self.oomKill = oomKill
        self.oomGroupKill = oomGroupKill
        self.other = other
    }

    static let file = "memory.events"
    private static let typedKeys: [StaticString] = ["low", "high", "max", "oom", "oom_kill", "oom_group_kill"]

    /// The five classic keys exist since memory.events did (4.13+ for oom_kill), so a missing
    /// one is an error; `oom_group_kill` is optional. Unknown keys go to `other`.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> CgroupMemoryEvents {
        let values = try ByteScanner.flatKeyedUInt64s(bytes, file: file, strict: typedKeys)
        return CgroupMemoryEvents(
            low: try values.require("low", file: file),
            high: try values.require("high", file: file),
            max: try values.require("max", file: file),
            oom: try values.require("oom", file: file),
            oomKill: try values.require("oom_kill", file: file),
            oomGroupKill: values["oom_group_kill"],
            other: values.filter { key, _ in !typedKeys.contains { $0.description == key } }
        )
    }
}
