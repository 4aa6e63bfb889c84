import Foundation
import Testing

@testable import LogTail
import Telemetry
import TestSupport

/// Every rotation scheme, with numbered lines written before, around and after it: each
/// number must arrive exactly once. Lines are long enough for stable fingerprints.
@Suite("Tailer rotation")
struct TailerRotationTests {
    @Test func renameAndCreateWithinTheGlobs() throws {
        let dir = try TemporaryDirectory("outrider-rot")
        let path = dir.path + "/app.log"
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/app.log*"]))
        try TestFiles.append(path, seqLines(1...10))
        h.scanAndPump()
        try TestFiles.append(path, seqLines(11...12))  // unread at the rename
        try TestFiles.move(path, path + ".1")
        try TestFiles.append(path + ".1", seqLines(13...14))  // the writer has not reopened yet
        try TestFiles.append(path, seqLines(15...20))
        let report = h.scan()
        #expect(report.rotated.map(\.to) == [path + ".1"])
        #expect(report.replaced == [path])
        h.pump()
        try TestFiles.append(path, seqLine(21))
        h.clock.advance(.seconds(60))
        h.scanAndPump()
        expectExactlyOnce(h.bodies, 1...21)
        // Records read after the rename carry the new name.
        for record in h.records where (11...14).contains(seqNumber(String(decoding: record.body, as: UTF8.self)) ?? 0) {
            #expect(record.attributes[LogDecoder.filePathAttribute] == .string(path + ".1"))
        }
        #expect(h.tailer.trackedFileCount == 2)  // still matched by the globs: kept
        #expect(h.tailer.stats.rotations == 1)
    }

    @Test func renameOutOfTheGlobsIsDrainedThenReleased() throws {
        let dir = try TemporaryDirectory("outrider-rot")
        let path = dir.path + "/app.log"
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/*.log"]) { $0.rotateWait = .seconds(5) })
        try TestFiles.append(path, seqLines(1...10))
        h.scanAndPump()
        try TestFiles.append(path, seqLine(11))
        try TestFiles.move(path, path + ".old")
        try TestFiles.append(path + ".old", seqLines(12...13))
        try TestFiles.append(path, seqLines(14...16))
        let report = h.scan()
        #expect(report.leaving == [path])
        h.pump()
        expectExactlyOnce(h.bodies, 1...16)
        #expect(h.tailer.trackedFileCount == 2)
        // Still written within rotate_wait: read.
        h.clock.advance(.seconds(3))
        try TestFiles.append(path + ".old", seqLine(17))
        h.scanAndPump()
        h.clock.advance(.seconds(3))
        h.scanAndPump()
        #expect(h.tailer.trackedFileCount == 2, "released before rotate_wait after its last byte")
        h.clock.advance(.seconds(3))
        h.scanAndPump()
        #expect(h.tailer.trackedFileCount == 1)
        #expect(h.tailer.openFileCount == 1)
        #expect(h.tailer.stats.filesReleased == 1)
        #expect(h.tailer.trackedPaths == [path])
        try TestFiles.append(path, seqLine(18))
        h.scanAndPump()
        expectExactlyOnce(h.bodies, 1...18)
        #expect(h.tailer.stats.unreadBytesLost == 0)
    }

    @Test func renameOutOfTheGlobsWithoutWakeUps() throws {
        // Lines written to the old file between the rename and the scan that notices it are
        // read even when nothing else wakes the reader.
        let dir = try TemporaryDirectory("outrider-rot")
        let path = dir.path + "/app.log"
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/*.log"]) { $0.rotateWait = .seconds(5) })
        try TestFiles.append(path, seqLines(1...10))
        h.scan()
        h.pump(wake: false)
        try TestFiles.move(path, path + ".old")
        try TestFiles.append(path + ".old", seqLines(11...12))
        try TestFiles.append(path, seqLines(13...14))
        h.scan()
        h.pump(wake: false)
        expectExactlyOnce(h.bodies, 1...14)
        // A last line after our last read, rotate_wait over: looked for before releasing.
        try TestFiles.append(path + ".old", seqLine(15))
        h.clock.advance(.seconds(10))
        h.scan()
        h.pump(wake: false)
        h.pump(wake: false)
        h.clock.advance(.seconds(10))
        h.scan()
        h.pump(wake: false)
        #expect(h.tailer.trackedFileCount == 1)
        expectExactlyOnce(h.bodies, 1...15)
    }

    @Test func copytruncateScannedAfterTheTruncation() throws {
        let dir = try TemporaryDirectory("outrider-rot")
        let path = dir.path + "/app.log"
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/app.log*"]))
        try TestFiles.append(path, seqLines(1...10))
        h.scanAndPump()
        try TestFiles.append(path, seqLines(11...13))  // not read before the copy
        try TestFiles.copy(path, path + ".1")
        try TestFiles.truncate(path)
        try TestFiles.append(path, seqLines(14...15))
        let report = h.scan()
        #expect(report.truncated == [path])
        #expect(report.added == [path + ".1"])
        h.pump()
        expectExactlyOnce(h.bodies, 1...15)
        try TestFiles.append(path, seqLine(16))
        h.clock.advance(.seconds(10))
        h.scanAndPump()
        h.scanAndPump()
        expectExactlyOnce(h.bodies, 1...16)
        #expect(h.tailer.stats.truncations == 1)
    }

    @Test func copytruncateScannedBetweenTheCopyAndTheTruncation() throws {
        let dir = try TemporaryDirectory("outrider-rot")
        let path = dir.path + "/app.log"
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/app.log*"]))
        try TestFiles.append(path, seqLines(1...10))
        h.scanAndPump()
        try TestFiles.append(path, seqLines(11...12))
        try TestFiles.copy(path, path + ".1")
        h.scan()
        #expect(h.tailer.trackedFileCount == 2)
        h.pump()  // the copy is a shadow: not read while the original lives
        expectExactlyOnce(h.bodies, 1...12)
        try TestFiles.truncate(path)
        try TestFiles.append(path, seqLines(13...14))
        h.scanAndPump()
        h.clock.advance(.seconds(10))
        try TestFiles.append(path, seqLine(15))
        h.scanAndPump()
        h.scanAndPump()
        expectExactlyOnce(h.bodies, 1...15)
        #expect(h.tailer.trackedFileCount == 2)
    }

    @Test func copytruncateScannedBetweenWithLinesStillUnread() throws {
        // The scan sees the copy but no read happens before the truncation: the lines only
        // the copy still has are read from it, from where the original stopped.
        let dir = try TemporaryDirectory("outrider-rot")
        let path = dir.path + "/app.log"
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/app.log*"]))
        try TestFiles.append(path, seqLines(1...10))
        h.scanAndPump()
        try TestFiles.append(path, seqLines(11...12))
        try TestFiles.copy(path, path + ".1")
        h.scan()
        try TestFiles.truncate(path)
        try TestFiles.append(path, seqLines(13...14))
        h.scanAndPump()
        h.scanAndPump()
        expectExactlyOnce(h.bodies, 1...14)
    }

    @Test func copytruncateWhoseFileGrewPastTheOldOffsetBeforeTheScan() throws {
        let dir = try TemporaryDirectory("outrider-rot")
        let path = dir.path + "/app.log"
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/app.log*"]))
        try TestFiles.append(path, seqLines(1...10))
        h.scanAndPump()
        try TestFiles.append(path, seqLines(11...12))
        try TestFiles.copy(path, path + ".1")
        try TestFiles.truncate(path)
        try TestFiles.append(path, seqLines(13...40))  // same inode, new content, past the old offset
        h.scanAndPump()
        h.scanAndPump()
        expectExactlyOnce(h.bodies, 1...40)
    }

    /// logrotate's copytruncate creates the copy empty and fills it in chunks; scans (on an
    /// inotify create event) see it empty, then half written. Neither may make it a new file.
    @Test(arguments: [0, 300, 2000])
    func copytruncateWhoseCopyIsSeenWhileBeingWritten(visibleBytes: Int) throws {
        let dir = try TemporaryDirectory("outrider-rot")
        let path = dir.path + "/app.log"
        let copy = path + ".1"
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/app.log*"]))
        try TestFiles.append(path, seqLines(1...100))
        h.scanAndPump()
        try TestFiles.append(path, seqLines(101...110))  // only the copy will still have these
        let content = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        try TestFiles.append(copy, Array(content.prefix(visibleBytes)))
        h.scanAndPump()  // the copy, as far as it is written
        h.scanAndPump()
        try TestFiles.append(copy, Array(content.dropFirst(visibleBytes)))
        try TestFiles.truncate(path)
        try TestFiles.append(path, seqLines(111...120))
        h.scanAndPump()
        h.scanAndPump()
        h.clock.advance(.seconds(10))
        h.scanAndPump()
        expectExactlyOnce(h.bodies, 1...120)
    }

    @Test func deleteAndRecreate() throws {
        let dir = try TemporaryDirectory("outrider-rot")
        let path = dir.path + "/app.log"
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/*.log"]) { $0.rotateWait = .seconds(5) })
        try TestFiles.append(path, seqLines(1...10))
        h.scanAndPump()
        try TestFiles.append(path, seqLines(11...12))  // unread when deleted
        try TestFiles.delete(path)
        try TestFiles.append(path, seqLines(13...15))
        let report = h.scan()
        #expect(report.replaced == [path])
        h.pump()
        expectExactlyOnce(h.bodies, 1...15)
        h.clock.advance(.seconds(6))
        h.scanAndPump()
        #expect(h.tailer.trackedFileCount == 1)
        try TestFiles.append(path, seqLine(16))
        h.scanAndPump()
        expectExactlyOnce(h.bodies, 1...16)
        #expect(h.tailer.stats.unreadBytesLost == 0)
    }

    @Test func deleteAndRecreateWithShortFiles() throws {
        // Provisional fingerprints (files shorter than 256 bytes) on both sides.
        let dir = try TemporaryDirectory("outrider-rot")
        let path = dir.path + "/app.log"
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/*.log"]) { $0.rotateWait = .seconds(5) })
        try TestFiles.append(path, seqLines(1...2))
        h.scanAndPump()
        try TestFiles.delete(path)
        try TestFiles.append(path, seqLines(3...4))
        h.scanAndPump()
        try TestFiles.append(path, seqLines(5...6))
        h.scanAndPump()
        h.clock.advance(.seconds(6))
        h.scanAndPump()
        try TestFiles.append(path, seqLines(7...12))  // grows past 256 bytes: fingerprint becomes stable
        h.scanAndPump()
        h.scanAndPump()
        expectExactlyOnce(h.bodies, 1...12)
    }

    @Test func truncateInPlace() throws {
        let dir = try TemporaryDirectory("outrider-rot")
        let path = dir.path + "/app.log"
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/*.log"]))
        try TestFiles.append(path, seqLines(1...10))
        h.scanAndPump()
        try TestFiles.truncate(path)
        try TestFiles.append(path, seqLines(11...12))
        let report = h.scan()
        #expect(report.truncated == [path])
        #expect(h.pump().compactMap(seqNumber) == [11, 12])
        try TestFiles.append(path, seqLine(13))
        h.scanAndPump()
        expectExactlyOnce(h.bodies, 1...13)
        #expect(h.tailer.stats.truncations == 1)
        let reader = try #require(h.batches.last?.ticket.reader)
        #expect(h.book.committed(reader: reader) == TestFiles.size(path))
    }

    @Test func truncatedAndRefilledPastTheOldOffset() throws {
        // Truncated and rewritten with more bytes than were read before the scan: the new
        // content is read from 0 all the same.
        let dir = try TemporaryDirectory("outrider-rot")
        let path = dir.path + "/app.log"
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/*.log"]))
        try TestFiles.append(path, seqLines(1...10))
        h.scanAndPump()
        try TestFiles.truncate(path)
        try TestFiles.append(path, seqLines(11...30))
        h.scanAndPump()
        expectExactlyOnce(h.bodies, 1...30)
    }
}

/// Rotation meeting the other features: closed (evicted) files, multi-line events and CRI
/// fragments still held when a file is released, truncation noticed by a read.
@Suite("Tailer rotation, combined")
struct TailerRotationCombinedTests {
    @Test func truncationNoticedByAReadBeforeAnyScan() throws {
        let dir = try TemporaryDirectory("outrider-rot")
        let path = dir.path + "/app.log"
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/*.log"]))
        try TestFiles.append(path, seqLines(1...10))
        h.scanAndPump()
        try TestFiles.truncate(path)
        try TestFiles.append(path, seqLines(11...12))
        h.pump()  // a poll tick, no scan
        try TestFiles.append(path, seqLines(13...30))  // now longer than the old offset
        h.scanAndPump()
        h.scanAndPump()
        expectExactlyOnce(h.bodies, 1...30)
    }

    @Test func evictedFileRenamedWithinTheGlobsIsReopenedByItsNewName() throws {
        let dir = try TemporaryDirectory("outrider-rot")
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/*.log*"]) { $0.maxOpenFiles = 1 })
        try TestFiles.append(dir.path + "/a.log", seqLines(1...10))
        try TestFiles.append(dir.path + "/b.log", seqLines(101...110))
        h.scanAndPump()
        #expect(h.tailer.openFileCount == 1)
        try TestFiles.append(dir.path + "/a.log", seqLines(11...12))
        try TestFiles.append(dir.path + "/b.log", seqLines(111...112))
        try TestFiles.move(dir.path + "/a.log", dir.path + "/a.log.1")
        try TestFiles.move(dir.path + "/b.log", dir.path + "/b.log.1")
        try TestFiles.append(dir.path + "/a.log", seqLines(13...14))
        h.scanAndPump()
        h.scanAndPump()
        #expect(h.maxOpenFiles == 1)
        #expect(h.bodies.compactMap(seqNumber).sorted() == Array(1...14) + Array(101...112))
    }

    @Test func evictedFileDeletedWithUnreadLinesIsCountedAsLost() throws {
        let dir = try TemporaryDirectory("outrider-rot")
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/*.log"]) { $0.maxOpenFiles = 1 })
        try TestFiles.append(dir.path + "/a.log", seqLines(1...3))
        try TestFiles.append(dir.path + "/b.log", seqLines(101...103))
        h.scanAndPump()
        // The open file is a.log or b.log; whichever is closed loses what it had not read.
        try TestFiles.append(dir.path + "/a.log", seqLine(4))
        try TestFiles.append(dir.path + "/b.log", seqLine(104))
        h.scan()
        try TestFiles.delete(dir.path + "/a.log")
        try TestFiles.delete(dir.path + "/b.log")
        h.pump()
        h.clock.advance(.seconds(10))
        h.scanAndPump()
        #expect(h.tailer.trackedFileCount == 0)
        let numbers = Set(h.bodies.compactMap(seqNumber))
        let lost = [4, 104].filter { !numbers.contains($0) }
        #expect(h.tailer.stats.unreadBytesLost == lost.count * seqLine(4).utf8.count)
        #expect(h.bodies.count == 6 + 2 - lost.count)
    }

    @Test func copyGivenTheInodeOfADeletedClosedFileIsStillACopy() throws {
        // app.log.2's reader is closed (cap of one descriptor) when the file is deleted; the
        // copytruncate copy made next gets its freed inode number (ext4 reuses it at once).
        // That is a new file at another path — a copy of app.log — not app.log.2 truncated.
        let dir = try TemporaryDirectory("outrider-rot")
        let log = dir.path + "/app.log"
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/app.log*"]) { $0.maxOpenFiles = 1 })
        try TestFiles.append(log, seqLines(1...10))
        try TestFiles.append(log + ".2", seqLines(101...110))
        h.scanAndPump()
        try TestFiles.append(log, seqLines(11...12))
        h.scanAndPump()  // app.log open, app.log.2 closed
        try TestFiles.delete(log + ".2")
        try TestFiles.append(log, seqLines(13...14))
        try TestFiles.copy(log, log + ".1")
        try TestFiles.truncate(log)
        try TestFiles.append(log, seqLines(15...16))
        h.scanAndPump()
        h.clock.advance(.seconds(10))
        h.scanAndPump()
        #expect(h.bodies.compactMap(seqNumber).sorted() == Array(1...16) + Array(101...110))
        #expect(h.tailer.trackedPaths.sorted() == [log, log + ".1"])
    }

    @Test func pendingMultilineEventIsEmittedWhenTheFileIsReleased() throws {
        let dir = try TemporaryDirectory("outrider-rot")
        let path = dir.path + "/app.log"
        let h = TailerHarness(try TailerFormatTests.multiline(include: [dir.path + "/*.log"]) {
            $0.rotateWait = .seconds(1)
        })
        try TestFiles.append(path, TailerFormatTests.event(1) + TailerFormatTests.event(2))
        h.scanAndPump()
        #expect(h.bodies == [TailerFormatTests.joined(1)])
        try TestFiles.move(path, path + ".old")
        h.scanAndPump()
        h.clock.advance(.milliseconds(1500))  // past rotate_wait, not the 2 s multi-line timeout
        h.scanAndPump()
        #expect(h.bodies == [TailerFormatTests.joined(1), TailerFormatTests.joined(2)])
        #expect(h.tailer.trackedFileCount == 0)
    }

    @Test func criFragmentAndPartialLineAreEmittedWhenTheFileIsReleased() throws {
        let dir = try TemporaryDirectory("outrider-rot")
        let path = dir.path + "/pod.log"
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/*.log"]) {
            $0.format = .cri
            $0.rotateWait = .seconds(1)
        })
        try TestFiles.append(path, "2024-01-01T00:00:00Z stdout F whole\n2024-01-01T00:00:00Z stdout P never finished\n")
        h.scanAndPump()
        #expect(h.bodies == ["whole"])
        try TestFiles.delete(path)
        h.scanAndPump()
        h.clock.advance(.seconds(2))
        h.scanAndPump()
        #expect(h.bodies == ["whole", "never finished"])
        #expect(h.tailer.trackedFileCount == 0)
    }
}

/// Seeded random sequences of writes, scans, poll ticks, clock jumps and rotations (rename
/// with a late writer, copytruncate with and without a scan in between, deletion of the
/// oldest rotated file): every line exactly once.
@Suite("Tailer rotation, random sequences")
struct TailerRandomRotationTests {
    @Test(arguments: Array(1...12) as [UInt64])
    func everyLineExactlyOnce(seed: UInt64) throws {
        let dir = try TemporaryDirectory("outrider-rot")
        let log = dir.path + "/app.log"
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/app.log*"]) {
            $0.rotateWait = .seconds(2)
            $0.readChunkBytes = 97
            $0.maxOpenFiles = [1, 2, 256][Int(seed % 3)]
        })
        var random = SplitMix64(seed: seed)
        var next = 1
        func write(_ path: String, _ count: Int) throws {
            guard count > 0 else { return }
            try TestFiles.append(path, seqLines(next...(next + count - 1)))
            next += count
        }
        func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
        /// Makes room for a new `.1`: drops `.2` and shifts `.1`. `.2` is deleted long after
        /// it was rotated (as logrotate does): read to its end, files that left the globs
        /// released (their descriptors are kept for rotate_wait, and with a cap of one or two
        /// they could hold back the file about to be deleted).
        func shift() throws {
            if exists(log + ".2") {
                h.clock.advance(.seconds(3))
                h.scanAndPump()
                h.scanAndPump()
                try TestFiles.delete(log + ".2")
            }
            if exists(log + ".1") { try TestFiles.move(log + ".1", log + ".2") }
        }
        try write(log, 8)
        // TAILER_TRACE=<seed> prints every step: what was read, by which reader.
        let trace = ProcessInfo.processInfo.environment["TAILER_TRACE"] == "\(seed)"
        var delivered = 0
        func dump(_ what: String) {
            guard trace else { return }
            let new = h.batches[delivered...].filter { !$0.records.isEmpty }.map { batch in
                let numbers = batch.records.compactMap { seqNumber(String(decoding: $0.body, as: UTF8.self)) }
                return "\(batch.path.split(separator: "/").last!)#\(batch.ticket.reader):\(numbers)"
            }
            delivered = h.batches.count
            print("[\(what)] next=\(next) size=\(TestFiles.size(log)) tracked=\(h.tailer.trackedPaths.map { $0.split(separator: "/").last! }) \(new)")
        }
        for _ in 0..<200 {
            let action = random.next(10)
            defer { dump("action \(action)") }
            switch action {
            case 0, 1, 2: try write(log, 1 + random.next(4))
            case 3: h.scanAndPump()
            case 4: h.pump()
            case 5: h.clock.advance(.milliseconds(500 * random.next(6)))
            case 6, 7:
                // rename + create, the writer sometimes late to reopen.
                guard TestFiles.size(log) >= 256 else { continue }
                try write(log, random.next(3))
                try shift()
                try TestFiles.move(log, log + ".1")
                try write(log + ".1", random.next(3))
                if random.next(2) == 0 { h.scanAndPump() }
                try write(log, random.next(3))
            default:
                // copytruncate; the tailer saw the file at its full fingerprint length.
                guard TestFiles.size(log) >= 256 else { continue }
                h.scanAndPump()
                try write(log, random.next(3))
                try shift()
                try TestFiles.copy(log, log + ".1")
                if random.next(2) == 0 { h.scan() }
                try TestFiles.truncate(log)
                try write(log, random.next(4))
                // A poll tick before the file grows back past the old offset: a truncation
                // is noticed by the size going down (a file refilled past the old offset
                // before the tailer looks is indistinguishable from growth until the next
                // scan compares fingerprints, and those lines would be read twice).
                h.pump()
            }
        }
        for _ in 0..<3 {
            h.clock.advance(.seconds(3))
            h.scanAndPump()
        }
        expectExactlyOnce(h.bodies, 1...(next - 1))
        #expect(h.maxOpenFiles <= h.tailer.configuration.maxOpenFiles)
    }
}
