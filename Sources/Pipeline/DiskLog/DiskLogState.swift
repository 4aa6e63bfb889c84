/// A snapshot of the log's counters, for metrics and /status.
public struct DiskLogState: Sendable, Hashable {
    /// Records appended and not yet acknowledged.
    public var pendingRecords: Int
    /// Bytes of segment files on disk, headers included. This is what counts against
    /// `capacityBytes`: space is freed only when a whole segment is acknowledged.
    public var pendingBytes: Int
    /// `maxTotalBytes`.
    public var capacityBytes: Int
    public var segments: Int
    /// Every position up to and including this one is acknowledged; 0 means none is.
    public var acknowledged: UInt64
    /// The position the next appended record gets. Positions start at 1.
    public var nextPosition: UInt64
    /// Bytes appended since the last fdatasync (what power loss could take).
    public var unsyncedBytes: Int
}
