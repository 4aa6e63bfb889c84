/// What `DiskLog.open` found and repaired. Every repair is counted here and described in
/// `notes`, so the owner can log it and export it as metrics; none of it is fatal.
public struct DiskLogRecoveryReport: Sendable, Hashable {
    /// Unacknowledged records that survived, to be read from `acknowledged + 1`.
    public var replayableRecords: Int = 0
    /// Their payload bytes.
    public var replayableBytes: Int = 0
    /// The acknowledged position recovered from the acknowledgement file.
    public var acknowledged: UInt64 = 0
    public var nextPosition: UInt64 = 1
    /// Bytes cut off segment ends: torn tails (crash mid-write) and everything after a
    /// corrupt frame in its segment.
    public var truncatedBytes: Int = 0
    /// Complete frames whose checksum failed (each one ends its segment's valid part).
    public var corruptRecords: Int = 0
    /// Unacknowledged positions missing between segments because an older segment had to
    /// be truncated. These records are lost; they are never delivered as garbage.
    public var lostPositions: UInt64 = 0
    /// Segment files deleted: fully acknowledged ones, and a last segment whose header was
    /// torn by a crash during its creation.
    public var segmentsRemoved: Int = 0
    /// Files with a segment's name but an invalid header, renamed to `<name>.corrupt` so
    /// they are kept for inspection but never read again.
    public var quarantinedFiles: [String] = []
    /// One line per event, for the agent's log.
    public var notes: [String] = []

    /// True when the directory needed no repair (a clean shutdown or a crash between writes).
    public var isClean: Bool {
        truncatedBytes == 0 && corruptRecords == 0 && lostPositions == 0 && quarantinedFiles.isEmpty
    }

    public init() {}
}
