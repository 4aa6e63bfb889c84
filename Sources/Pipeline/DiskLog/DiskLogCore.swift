#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The log's mutable state and algorithms. `DiskLog` keeps it behind one mutex, so every
/// method here runs alone and may assume the invariants below hold on entry:
///
/// - `segments` is sorted by base position; only the last one is written to, through
///   `writer`, and it ends at `nextPosition`. Older segments may have gaps between them
///   (records lost to mid-log corruption), never overlaps.
/// - Everything in `segments` is complete, checksummed frames: an append that fails is
///   truncated away before the error is thrown, so readers never see part of a batch.
struct DiskLogCore {
    let configuration: DiskLogConfiguration
    let now: @Sendable () -> ContinuousClock.Instant
    let directoryFD: Int32
    let lockFD: Int32
    var segments: [Segment]
    /// The last segment's descriptor, read-write; -1 when there is no segment.
    var writer: Int32
    /// One cached read-only descriptor for an older segment: a consumer reads one segment
    /// at a time, and keeping every segment open would cost a descriptor per 8 MiB.
    var reader: (basePosition: UInt64, fd: Int32)?
    /// Where the last read stopped. A consumer reads sequentially, so the next read starts
    /// here instead of walking the segment's frames from its start.
    var cursor: (position: UInt64, basePosition: UInt64, offset: Int)?
    var acknowledged: UInt64
    var nextPosition: UInt64
    var unsyncedBytes = 0
    var directoryDirty = false
    var lastSync: ContinuousClock.Instant
    var isClosed = false

    /// Frames are limited by the file format, not by today's configuration: a log written
    /// with larger segments must stay readable after the setting shrinks.
    static let maxFramePayload = Int(UInt32.max)

    init(
        configuration: DiskLogConfiguration,
        now: @escaping @Sendable () -> ContinuousClock.Instant,
        directoryFD: Int32,
        lockFD: Int32,
        segments: [Segment],
        writer: Int32,
        acknowledged: UInt64,
        nextPosition: UInt64
    ) {
        self.configuration = configuration
        self.now = now
        self.directoryFD = directoryFD
        self.lockFD = lockFD
        self.segments = segments
        self.writer = writer
        self.acknowledged = acknowledged
        self.nextPosition = nextPosition
        self.lastSync = now()
    }

    // MARK: append

    mutating func append(_ records: [[UInt8]], pastLimit: Bool) throws(DiskLogError) -> Range<UInt64> {
        guard !isClosed else { throw .closed }
        let first = nextPosition
        guard !records.isEmpty else { return first..<first }
        let limit = configuration.maxRecordBytes
        for record in records where record.count > limit {
            throw .recordTooLarge(bytes: record.count, limit: limit)
        }

        // Lay the batch out before writing anything, so capacity is checked once for the
        // whole batch: it is accepted or refused as a unit.
        var chunks: [(records: Range<Int>, newSegment: Bool)] = []
        var segmentBytes: Int? = writer >= 0 ? segments[segments.count - 1].bytes : nil
        var segmentHasRecords = writer >= 0 && segments[segments.count - 1].recordCount > 0
        var needed = 0
        for (index, record) in records.enumerated() {
            let frame = SegmentFrame.size(ofPayload: record.count)
            if segmentBytes == nil || (segmentHasRecords && segmentBytes! + frame > configuration.segmentBytes) {
                chunks.append((index..<index, true))
                segmentBytes = SegmentHeader.size
                segmentHasRecords = false
                needed += SegmentHeader.size
            } else if chunks.isEmpty {
                chunks.append((index..<index, false))
            }
            chunks[chunks.count - 1].records = chunks[chunks.count - 1].records.lowerBound..<(index + 1)
            segmentBytes! += frame
            segmentHasRecords = true
            needed += frame
        }
        let used = totalBytes
        if needed > configuration.maxTotalBytes && !pastLimit {
            throw .batchTooLarge(bytes: needed, limit: configuration.maxTotalBytes)
        }
        if used + needed > configuration.maxTotalBytes && !pastLimit {
            throw .full(needed: needed, available: configuration.maxTotalBytes - used)
        }

        var added: (bytes: Int, records: UInt64) = (0, 0)
        var created: [(segment: Segment, fd: Int32)] = []
        var position = first
        let syncNow: Bool
        switch configuration.sync {
        case .always: syncNow = true
        case let .interval(interval): syncNow = lastSync.duration(to: now()) >= interval
        case .never: syncNow = false
        }
        do {
            for chunk in chunks {
                if chunk.newSegment {
                    created.append(try createSegment(basePosition: position))
                }
                let frames = SegmentFrame.encode(records[chunk.records])
                let count = UInt64(chunk.records.count)
                if let last = created.last {
                    try DiskLogFiles.write(last.fd, frames, at: last.segment.bytes, path: last.segment.path)
                    created[created.count - 1].segment.bytes += frames.count
                    created[created.count - 1].segment.recordCount += count
                } else {
                    let active = segments[segments.count - 1]
                    try DiskLogFiles.write(writer, frames, at: active.bytes + added.bytes, path: active.path)
                    added.bytes += frames.count
                    added.records += count
                }
                position += count
            }
            try makeDurable(added: added.records > 0, created: created, syncNow: syncNow)
        } catch {
            rollBack(created: created)
            if case let .io(_, _, code) = error, DiskLogError.isOutOfSpace(code) {
                throw .full(needed: needed, available: DiskLogFiles.availableBytes(directoryFD))
            }
            throw error
        }

        // Commit: only now do the records become visible to readers.
        if added.records > 0 {
            segments[segments.count - 1].bytes += added.bytes
            segments[segments.count - 1].recordCount += added.records
        }
        if !created.isEmpty {
            if writer >= 0 { DiskLogFiles.closeFile(writer) }
            for retired in created.dropLast() { DiskLogFiles.closeFile(retired.fd) }
            segments.append(contentsOf: created.map(\.segment))
            writer = created[created.count - 1].fd
            directoryDirty = directoryDirty || !syncNow
        }
        nextPosition = position
        if syncNow {
            unsyncedBytes = 0
            directoryDirty = false
            lastSync = now()
        } else {
            unsyncedBytes += needed
        }
        return first..<position
    }

    /// The fsyncs an append owes before it may return.
    private func makeDurable(added: Bool, created: [(segment: Segment, fd: Int32)], syncNow: Bool) throws(DiskLogError) {
        if syncNow {
            // Earlier unsynced appends share the writer's descriptor, so this covers them.
            if writer >= 0 && (added || unsyncedBytes > 0) {
                try DiskLogFiles.syncData(writer, path: segments[segments.count - 1].path)
            }
            for segment in created {
                try DiskLogFiles.syncData(segment.fd, path: segment.segment.path)
            }
            if !created.isEmpty || directoryDirty {
                try DiskLogFiles.sync(directoryFD, path: configuration.directory)
            }
        } else if !created.isEmpty, configuration.sync != .never {
            // Segments being retired are synced now, so after a crash only the last segment
            // can have a torn tail; older ones are complete unless the media failed.
            if writer >= 0 {
                try DiskLogFiles.syncData(writer, path: segments[segments.count - 1].path)
            }
            for segment in created.dropLast() {
                try DiskLogFiles.syncData(segment.fd, path: segment.segment.path)
            }
        }
    }

    private func createSegment(basePosition: UInt64) throws(DiskLogError) -> (segment: Segment, fd: Int32) {
        let path = configuration.directory + "/" + Segment.fileName(basePosition: basePosition)
        // O_TRUNC, not O_EXCL: a file of this name can only be the remains of a rolled-back
        // append whose unlink failed, never a segment in use.
        let fd = try DiskLogFiles.openFile(path, O_RDWR | O_CREAT | O_TRUNC)
        let header = SegmentHeader(basePosition: basePosition).encoded()
        do {
            try DiskLogFiles.write(fd, header, at: 0, path: path)
        } catch {
            DiskLogFiles.closeFile(fd)
            try? DiskLogFiles.unlinkFile(path)
            throw error
        }
        return (Segment(basePosition: basePosition, recordCount: 0, bytes: header.count, path: path), fd)
    }

    /// Undoes a failed append. If the truncate itself fails, the bytes past the committed end
    /// are overwritten by the next append; a crash before that could replay complete frames
    /// of the refused batch — duplicates of records the caller still holds, never garbage.
    private func rollBack(created: [(segment: Segment, fd: Int32)]) {
        for segment in created {
            DiskLogFiles.closeFile(segment.fd)
            try? DiskLogFiles.unlinkFile(segment.segment.path)
        }
        // Always: a write that failed part-way (ENOSPC after some frames) left bytes past
        // the committed end even though nothing was counted as added.
        if writer >= 0, let active = segments.last {
            try? DiskLogFiles.truncate(writer, to: active.bytes, path: active.path)
        }
    }

    // MARK: read

    mutating func read(from start: UInt64, maxRecords: Int, maxBytes: Int) throws(DiskLogError) -> [(position: UInt64, bytes: [UInt8])] {
        guard !isClosed else { throw .closed }
        guard maxRecords > 0, start < nextPosition, !segments.isEmpty else { return [] }
        var results: [(position: UInt64, bytes: [UInt8])] = []
        var total = 0
        var position = start
        var index = segments.lastIndex { $0.basePosition <= position } ?? 0
        while index < segments.count && results.count < maxRecords {
            let segment = segments[index]
            index += 1
            position = max(position, segment.basePosition)
            if position >= segment.endPosition { continue }
            let fd = try descriptor(for: segment)
            var frames = SegmentFrameReader(
                fd: fd, path: segment.path, from: try offset(of: position, in: segment, fd: fd),
                end: segment.bytes, maxPayload: Self.maxFramePayload,
                windowBytes: min(1 << 20, max(64 << 10, min(maxBytes, 1 << 20) + SegmentFrame.headerSize)))
            while position < segment.endPosition && results.count < maxRecords {
                let frameOffset = frames.offset
                switch try frames.next(verify: true, copyPayload: true) {
                case let .record(length, payload?):
                    // At least one record per read, however large, so a reader always progresses.
                    if !results.isEmpty && total + length > maxBytes {
                        cursor = (position, segment.basePosition, frameOffset)
                        return results
                    }
                    results.append((position, payload))
                    total += length
                    position += 1
                case let .torn(reason), let .corrupt(reason):
                    throw .corrupt(path: segment.path, offset: frameOffset, reason: reason)
                case .record, .end:
                    throw .corrupt(path: segment.path, offset: frameOffset, reason: "segment ends before record \(position)")
                }
            }
            cursor = (position, segment.basePosition, frames.offset)
        }
        return results
    }

    private mutating func descriptor(for segment: Segment) throws(DiskLogError) -> Int32 {
        if segment.basePosition == segments[segments.count - 1].basePosition && writer >= 0 {
            return writer
        }
        if let reader, reader.basePosition == segment.basePosition {
            return reader.fd
        }
        if let reader { DiskLogFiles.closeFile(reader.fd) }
        reader = nil
        let fd = try DiskLogFiles.openFile(segment.path, O_RDONLY)
        reader = (segment.basePosition, fd)
        return fd
    }

    /// The file offset of `position`'s frame: from the cursor when the reader continues
    /// where it stopped, else by walking frame lengths from the nearest known point.
    private func offset(of position: UInt64, in segment: Segment, fd: Int32) throws(DiskLogError) -> Int {
        var current = segment.basePosition
        var offset = SegmentHeader.size
        if let cursor, cursor.basePosition == segment.basePosition,
           cursor.position >= segment.basePosition, cursor.position <= position {
            current = cursor.position
            offset = cursor.offset
        }
        if current == position { return offset }
        var frames = SegmentFrameReader(
            fd: fd, path: segment.path, from: offset, end: segment.bytes, maxPayload: Self.maxFramePayload)
        while current < position {
            guard case .record = try frames.next(verify: false, copyPayload: false) else {
                throw .corrupt(path: segment.path, offset: frames.offset, reason: "segment ends before record \(position)")
            }
            current += 1
        }
        return frames.offset
    }

    // MARK: acknowledge

    mutating func acknowledge(through position: UInt64) throws(DiskLogError) {
        guard !isClosed else { throw .closed }
        guard position < nextPosition else {
            throw .positionOutOfRange(position: position, nextPosition: nextPosition)
        }
        guard position > acknowledged else { return }
        do {
            try AcknowledgementFile.write(position, directory: configuration.directory, directoryFD: directoryFD)
        } catch {
            guard case let .io(_, _, code) = error, DiskLogError.isOutOfSpace(code) else { throw error }
            // The disk is full, perhaps of segments this very acknowledgement frees: a
            // deadlock unless space is made first. Deleting acknowledged segments before the
            // file says so is safe (a crash replays nothing that was lost); the last segment
            // stays, so the highest position on disk never goes backwards.
            try removeSegments(acknowledgedThrough: position, keepingLast: true)
            do {
                try AcknowledgementFile.write(position, directory: configuration.directory, directoryFD: directoryFD)
            } catch {
                // Still full (one segment larger than the free space): rewrite the existing
                // file in place, which needs no new block, so the last segment can go.
                guard case let .io(_, _, code) = error, DiskLogError.isOutOfSpace(code) else { throw error }
                try AcknowledgementFile.overwrite(position, directory: configuration.directory)
            }
        }
        acknowledged = position
        try removeSegments(acknowledgedThrough: position, keepingLast: false)
    }

    /// Deletes the segments whose every record is acknowledged. Their unlinks are not
    /// fsynced: if one is lost in a crash, recovery finds the segment fully acknowledged
    /// and deletes it again.
    private mutating func removeSegments(acknowledgedThrough position: UInt64, keepingLast: Bool) throws(DiskLogError) {
        while let first = segments.first, first.endPosition <= position + 1 {
            if segments.count == 1 {
                if keepingLast { return }
                if writer >= 0 { DiskLogFiles.closeFile(writer) }
                writer = -1
                unsyncedBytes = 0
            }
            if let reader, reader.basePosition == first.basePosition {
                DiskLogFiles.closeFile(reader.fd)
                self.reader = nil
            }
            try DiskLogFiles.unlinkFile(first.path)
            segments.removeFirst()
        }
    }

    // MARK: sync, state, close

    mutating func sync() throws(DiskLogError) {
        guard !isClosed else { throw .closed }
        try syncNow()
    }

    private mutating func syncNow() throws(DiskLogError) {
        if writer >= 0 && unsyncedBytes > 0 {
            try DiskLogFiles.syncData(writer, path: segments[segments.count - 1].path)
        }
        if directoryDirty {
            try DiskLogFiles.sync(directoryFD, path: configuration.directory)
        }
        unsyncedBytes = 0
        directoryDirty = false
        lastSync = now()
    }

    var totalBytes: Int {
        segments.reduce(0) { $0 + $1.bytes }
    }

    var state: DiskLogState {
        let firstPending = acknowledged + 1
        let pending = segments.reduce(UInt64(0)) { sum, segment in
            sum + (segment.endPosition - min(segment.endPosition, max(segment.basePosition, firstPending)))
        }
        return DiskLogState(
            pendingRecords: Int(pending),
            pendingBytes: totalBytes,
            capacityBytes: configuration.maxTotalBytes,
            segments: segments.count,
            acknowledged: acknowledged,
            nextPosition: nextPosition,
            unsyncedBytes: unsyncedBytes)
    }

    /// Syncs whatever the policy left unsynced (a clean shutdown loses nothing, even under
    /// `.never`), then releases the descriptors and the directory lock.
    mutating func close() throws(DiskLogError) {
        guard !isClosed else { return }
        defer { closeDescriptors() }
        try syncNow()
    }

    mutating func closeDescriptors() {
        guard !isClosed else { return }
        isClosed = true
        if writer >= 0 { DiskLogFiles.closeFile(writer) }
        if let reader { DiskLogFiles.closeFile(reader.fd) }
        writer = -1
        reader = nil
        DiskLogFiles.closeFile(directoryFD)
        DiskLogFiles.closeFile(lockFD)
    }
}
