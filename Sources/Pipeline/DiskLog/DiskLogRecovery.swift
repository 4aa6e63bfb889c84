#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Opening a log directory: take the lock, read the acknowledged position, verify every
/// segment frame by frame, repair what a crash or damage left, and report each repair.
///
/// Rules (all repairs are counted in the report and never fatal):
/// - A segment is valid up to its first frame that overruns the file (torn write) or whose
///   checksum fails (corrupt). The file is truncated there and fsynced: replaying garbage is
///   never an option, and frames after a bad one cannot be found reliably (a length field
///   can no longer be trusted), so they are given up.
/// - That holds for every segment, not just the last: later segments carry their own base
///   position, so they stay readable and are kept. Only the records between the bad frame
///   and the next segment are lost, reported as `lostPositions`. This loses the least data.
/// - A segment file whose header is invalid is renamed `<name>.corrupt` (kept for
///   inspection, never read); a last segment shorter than a header is a crash during its
///   creation and is deleted. Unknown files are left alone and noted; `ack.tmp` (a crash
///   during an acknowledgement) is deleted unread.
/// - A damaged acknowledgement file means replaying every record present: duplicates are
///   bounded and reported, loss would not be.
enum DiskLogRecovery {
    static func open(
        _ configuration: DiskLogConfiguration,
        now: @escaping @Sendable () -> ContinuousClock.Instant
    ) throws(DiskLogError) -> (core: DiskLogCore, report: DiskLogRecoveryReport) {
        try configuration.validate()
        let directory = configuration.directory
        try DiskLogFiles.makeDirectories(directory)
        let lockFD = try DiskLogFiles.lock(directory + "/lock")
        var directoryFD: Int32 = -1
        do {
            directoryFD = try DiskLogFiles.openFile(directory, O_RDONLY | O_DIRECTORY)
            var report = DiskLogRecoveryReport()
            let (acknowledged, segments) = try recover(directory: directory, directoryFD: directoryFD, report: &report)
            let nextPosition = max(acknowledged + 1, segments.last?.endPosition ?? 1)
            let writer = try segments.last.map { segment throws(DiskLogError) in
                try DiskLogFiles.openFile(segment.path, O_RDWR)
            } ?? -1
            report.acknowledged = acknowledged
            report.nextPosition = nextPosition
            let core = DiskLogCore(
                configuration: configuration, now: now, directoryFD: directoryFD, lockFD: lockFD,
                segments: segments, writer: writer, acknowledged: acknowledged, nextPosition: nextPosition)
            return (core, report)
        } catch {
            if directoryFD >= 0 { DiskLogFiles.closeFile(directoryFD) }
            DiskLogFiles.closeFile(lockFD)
            throw error
        }
    }

    private static func recover(
        directory: String,
        directoryFD: Int32,
        report: inout DiskLogRecoveryReport
    ) throws(DiskLogError) -> (acknowledged: UInt64, segments: [Segment]) {
        var directoryChanged = false
        var candidates: [(basePosition: UInt64, name: String)] = []
        for name in try DiskLogFiles.listDirectory(directory).sorted() {
            if name == "lock" || name == AcknowledgementFile.name { continue }
            if name == AcknowledgementFile.temporaryName {
                try DiskLogFiles.unlinkFile(directory + "/" + name)
                directoryChanged = true
                report.notes.append("\(name): left by a crash during an acknowledgement; removed unread")
            } else if let base = Segment.basePosition(fileName: name) {
                candidates.append((base, name))
            } else if name.hasSuffix(".corrupt") {
                report.notes.append("\(name): quarantined earlier; kept for inspection, not read")
            } else {
                report.notes.append("\(name): not a disk log file; ignored")
            }
        }

        var stored: UInt64?
        do {
            stored = try AcknowledgementFile.read(directory: directory)
        } catch {
            guard case let .corrupt(path, _, reason) = error else { throw error }
            report.notes.append("\(path): \(reason); replaying every record present (duplicates rather than loss)")
        }

        // Headers first, so a quarantined file never counts as the next segment when the
        // frames of the one before it are checked for running into it.
        var valid: [(basePosition: UInt64, name: String)] = []
        for (index, candidate) in candidates.enumerated() where try checkHeader(
            directory: directory, name: candidate.name, basePosition: candidate.basePosition,
            isLast: index == candidates.count - 1, report: &report) {
            valid.append(candidate)
        }
        directoryChanged = directoryChanged || valid.count != candidates.count

        var segments: [Segment] = []
        for (index, candidate) in valid.enumerated() {
            segments.append(try scanFrames(
                directory: directory, name: candidate.name, basePosition: candidate.basePosition,
                nextBase: index == valid.count - 1 ? nil : valid[index + 1].basePosition,
                acknowledged: stored ?? 0, report: &report))
        }

        let acknowledged = stored ?? (segments.first.map { max($0.basePosition, 1) - 1 } ?? 0)
        for (previous, next) in zip(segments, segments.dropFirst()) {
            let lostFrom = max(previous.endPosition, acknowledged + 1)
            if lostFrom < next.basePosition {
                report.lostPositions += next.basePosition - lostFrom
                report.notes.append("positions \(lostFrom)..<\(next.basePosition) lost to the truncation of \(previous.path)")
            }
        }
        while let first = segments.first, first.endPosition <= acknowledged + 1 {
            try DiskLogFiles.unlinkFile(first.path)
            segments.removeFirst()
            directoryChanged = true
            report.segmentsRemoved += 1
        }
        if stored == nil {
            // Written now, while there is likely room, so a later acknowledgement on a full
            // disk can fall back to rewriting it in place (`AcknowledgementFile.overwrite`).
            do {
                try AcknowledgementFile.write(acknowledged, directory: directory, directoryFD: directoryFD)
            } catch {
                guard case let .io(_, _, code) = error, DiskLogError.isOutOfSpace(code) else { throw error }
                report.notes.append("no room for the acknowledgement file yet; it is written with the first acknowledgement")
            }
        }
        if directoryChanged {
            try DiskLogFiles.sync(directoryFD, path: directory)
        }
        return (acknowledged, segments)
    }

    /// False if the segment's header is invalid; the file is then removed (a torn header,
    /// from a crash while creating the last segment) or quarantined.
    private static func checkHeader(
        directory: String,
        name: String,
        basePosition: UInt64,
        isLast: Bool,
        report: inout DiskLogRecoveryReport
    ) throws(DiskLogError) -> Bool {
        let path = directory + "/" + name
        let fd = try DiskLogFiles.openFile(path, O_RDONLY)
        defer { DiskLogFiles.closeFile(fd) }
        let size = try DiskLogFiles.size(fd, path: path)
        let problem: String
        switch SegmentHeader.decode(try DiskLogFiles.read(fd, count: SegmentHeader.size, at: 0, path: path)) {
        case let .success(header) where header.basePosition == basePosition:
            return true
        case let .success(header):
            problem = "header base position \(header.basePosition) does not match the file name"
        case let .failure(failure):
            problem = failure.reason
        }
        if isLast && size < SegmentHeader.size {
            try DiskLogFiles.unlinkFile(path)
            report.segmentsRemoved += 1
            report.truncatedBytes += size
            report.notes.append("\(name): \(problem) (crash while creating it); removed")
        } else {
            try DiskLogFiles.renameFile(path, path + ".corrupt")
            report.quarantinedFiles.append(name)
            report.notes.append("\(name): \(problem); renamed to \(name).corrupt")
        }
        return false
    }

    /// Verifies every frame of a segment whose header is valid and truncates the file after
    /// the last good one.
    private static func scanFrames(
        directory: String,
        name: String,
        basePosition: UInt64,
        nextBase: UInt64?,
        acknowledged: UInt64,
        report: inout DiskLogRecoveryReport
    ) throws(DiskLogError) -> Segment {
        let path = directory + "/" + name
        let fd = try DiskLogFiles.openFile(path, O_RDWR)
        defer { DiskLogFiles.closeFile(fd) }
        let size = try DiskLogFiles.size(fd, path: path)
        var frames = SegmentFrameReader(
            fd: fd, path: path, from: SegmentHeader.size, end: size, maxPayload: DiskLogCore.maxFramePayload)
        var count: UInt64 = 0
        var stop: (reason: String, corrupt: Bool)?
        scanning: while true {
            if let nextBase, basePosition + count >= nextBase, frames.offset < size {
                stop = ("records run into the next segment, which starts at \(nextBase)", true)
                break
            }
            switch try frames.next(verify: true, copyPayload: false) {
            case let .record(length, _):
                if basePosition + count > acknowledged {
                    report.replayableRecords += 1
                    report.replayableBytes += length
                }
                count += 1
            case .end:
                break scanning
            case let .torn(reason):
                stop = (reason, false)
                break scanning
            case let .corrupt(reason):
                stop = (reason, true)
                break scanning
            }
        }
        if let stop {
            let cut = size - frames.offset
            // Durable before anything is appended after it, or a crash could resurrect
            // the bad bytes behind new frames.
            try DiskLogFiles.truncate(fd, to: frames.offset, path: path)
            try DiskLogFiles.syncData(fd, path: path)
            report.truncatedBytes += cut
            if stop.corrupt { report.corruptRecords += 1 }
            report.notes.append(
                "\(name): \(stop.reason) at offset \(frames.offset) (record \(basePosition + count)); "
                + "truncated \(cut) bytes, kept \(count) records")
        }
        return Segment(basePosition: basePosition, recordCount: count, bytes: frames.offset, path: path)
    }
}
