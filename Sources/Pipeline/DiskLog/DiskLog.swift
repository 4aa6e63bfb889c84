import Synchronization

/// A crash-safe, append-only write-ahead log of opaque records in segment files: the
/// storage under the `disk` buffer.
///
/// Positions are record sequence numbers: the first record ever appended is 1, each
/// append takes the next ones, and they never go backwards, across restarts too. A reader
/// reads from `state.acknowledged + 1` and acknowledges what it delivered; positions may
/// skip (records lost to on-disk corruption), so readers use the positions returned.
///
/// One mutex guards everything: appends and reads are batches, so a lock per batch costs
/// nothing next to the system calls, and it keeps the file layout and the in-memory index
/// in step without any lock-free reasoning. The calls block on disk I/O; call them from a
/// thread that may block, not from a latency-sensitive event loop.
public final class DiskLog: Sendable {
    public let configuration: DiskLogConfiguration
    private let core: Mutex<DiskLogCore>

    private init(core: consuming DiskLogCore) {
        self.configuration = core.configuration
        self.core = Mutex(core)
    }

    /// Opens (creating if needed) the log in `configuration.directory` and repairs whatever
    /// a crash left; see `DiskLogRecovery` for the rules. `now` drives `.interval` syncing.
    public static func open(
        _ configuration: DiskLogConfiguration,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) throws(DiskLogError) -> (log: DiskLog, recovery: DiskLogRecoveryReport) {
        let (core, report) = try DiskLogRecovery.open(configuration, now: now)
        return (DiskLog(core: core), report)
    }

    /// Appends a batch as one write per segment touched and returns its positions. On any
    /// error nothing of the batch is kept; `.full` means back-pressure: retry after
    /// acknowledgements free a segment. With `pastLimit` the batch may take the log past
    /// `maxTotalBytes` (its owner bounds by how much); the filesystem's ENOSPC still holds.
    @discardableResult
    public func append(_ records: [[UInt8]], pastLimit: Bool = false) throws(DiskLogError) -> Range<UInt64> {
        try core.withLock { (core: inout DiskLogCore) throws(DiskLogError) -> Range<UInt64> in
            try core.append(records, pastLimit: pastLimit)
        }
    }

    /// Up to `maxRecords` records from `position` on (or from the first one still on disk
    /// after it), stopping before `maxBytes` of payload — but always at least one record.
    /// Checksums are verified; a mismatch (media damage since open) throws `.corrupt`.
    public func read(from position: UInt64, maxRecords: Int, maxBytes: Int) throws(DiskLogError) -> [(position: UInt64, bytes: [UInt8])] {
        try core.withLock { (core: inout DiskLogCore) throws(DiskLogError) -> [(position: UInt64, bytes: [UInt8])] in
            try core.read(from: position, maxRecords: maxRecords, maxBytes: maxBytes)
        }
    }

    /// Marks every record up to `position` delivered. Persisted atomically (temp file,
    /// fsync, rename, directory fsync) before segments wholly below it are deleted.
    public func acknowledge(through position: UInt64) throws(DiskLogError) {
        try core.withLock { (core: inout DiskLogCore) throws(DiskLogError) in
            try core.acknowledge(through: position)
        }
    }

    public var state: DiskLogState {
        core.withLock { $0.state }
    }

    /// fdatasync of what was appended since the last sync. Owners of a `.interval` log call
    /// it on a timer so an idle log does not keep unsynced data indefinitely.
    public func sync() throws(DiskLogError) {
        try core.withLock { (core: inout DiskLogCore) throws(DiskLogError) in
            try core.sync()
        }
    }

    /// Syncs and releases the files and the directory lock. Later calls throw `.closed`.
    public func close() throws(DiskLogError) {
        try core.withLock { (core: inout DiskLogCore) throws(DiskLogError) in
            try core.close()
        }
    }

    deinit {
        // Without close(): release descriptors and the lock, but do not sync — deinit cannot
        // report a failure, and whatever was written is in the page cache already.
        core.withLock { $0.closeDescriptors() }
    }
}
