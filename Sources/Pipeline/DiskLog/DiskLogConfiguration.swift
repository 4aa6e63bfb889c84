/// Where a disk log lives and how much it may hold.
public struct DiskLogConfiguration: Sendable, Hashable {
    /// Created (with parents) if missing. One log per directory; a lock file enforces it.
    public var directory: String
    /// A segment is closed and a new one started once the next frame would not fit.
    /// Space is reclaimed in whole segments, so smaller segments free space sooner and
    /// larger ones mean fewer files and fsyncs.
    public var segmentBytes: Int
    /// Cap on the bytes of segment files on disk (headers and frames included). Fully
    /// acknowledged segments are deleted, so this bounds unacknowledged data to within one
    /// segment's worth. An append asked to (`pastLimit`) may pass it.
    public var maxTotalBytes: Int
    public var sync: SyncPolicy

    public static let defaultSegmentBytes = 8 << 20

    public init(
        directory: String,
        maxTotalBytes: Int,
        segmentBytes: Int = DiskLogConfiguration.defaultSegmentBytes,
        sync: SyncPolicy = .interval(.seconds(1))
    ) {
        self.directory = directory
        self.maxTotalBytes = maxTotalBytes
        self.segmentBytes = segmentBytes
        self.sync = sync
    }

    /// The largest payload one record may have: a frame must fit in one segment (so a
    /// segment is always independently readable) and in the total cap.
    public var maxRecordBytes: Int {
        min(segmentBytes, maxTotalBytes, Int(UInt32.max)) - SegmentHeader.size - SegmentFrame.headerSize
    }

    /// The smallest segment that still holds a header and a few small frames.
    static let minimumSegmentBytes = 64

    func validate() throws(DiskLogError) {
        if directory.isEmpty {
            throw .invalidConfiguration("directory is empty")
        }
        if segmentBytes < Self.minimumSegmentBytes || segmentBytes > Int(Int32.max) {
            throw .invalidConfiguration(
                "segmentBytes must be between \(Self.minimumSegmentBytes) and \(Int32.max), got \(segmentBytes)")
        }
        if maxTotalBytes < Self.minimumSegmentBytes {
            throw .invalidConfiguration(
                "maxTotalBytes must be at least \(Self.minimumSegmentBytes), got \(maxTotalBytes)")
        }
        if case let .interval(interval) = sync, interval <= .zero {
            throw .invalidConfiguration("sync interval must be positive, got \(interval)")
        }
    }
}
