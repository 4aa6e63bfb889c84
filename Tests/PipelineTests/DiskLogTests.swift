#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import Testing
@testable import Pipeline

@Suite("DiskLog: append, read, acknowledge")
struct DiskLogTests {
    typealias Scratch = DiskLogScratchDirectory

    /// Small segments so a few records rotate: header 20 + frames of 18 bytes (10-byte payloads).
    static func configuration(_ scratch: Scratch, segmentBytes: Int = 128, maxTotalBytes: Int = 1 << 20,
                              sync: DiskLogConfiguration.SyncPolicy = .never) -> DiskLogConfiguration {
        DiskLogConfiguration(directory: scratch.child("log"), maxTotalBytes: maxTotalBytes,
                             segmentBytes: segmentBytes, sync: sync)
    }

    static func readAll(_ log: DiskLog, from position: UInt64) throws -> [(position: UInt64, bytes: [UInt8])] {
        var all: [(position: UInt64, bytes: [UInt8])] = []
        var next = position
        while true {
            let batch = try log.read(from: next, maxRecords: 7, maxBytes: 1 << 20)
            guard let last = batch.last else { return all }
            all += batch
            next = last.position + 1
        }
    }

    @Test("append and read round-trip across segment rotation, positions start at 1")
    func roundTrip() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (log, recovery) = try DiskLog.open(Self.configuration(scratch))
        #expect(recovery.isClean && recovery.replayableRecords == 0 && recovery.nextPosition == 1)
        let records = (0..<50).map { Scratch.payload($0) }
        #expect(try log.append(Array(records[0..<3])) == 1..<4)
        #expect(try log.append(Array(records[3..<50])) == 4..<51)
        // 6 frames of 18 bytes fit after the 20-byte header in 128 bytes.
        #expect(log.state.segments == 9)
        #expect(scratch.segmentNamesIn("log").count == 9)
        let read = try Self.readAll(log, from: 1)
        #expect(read.map(\.position) == Array(1...50))
        #expect(read.map(\.bytes) == records)
        // Reading from the middle of a segment (no cursor) finds the right frame.
        let middle = try log.read(from: 33, maxRecords: 2, maxBytes: 1 << 20)
        #expect(middle.map(\.position) == [33, 34] && middle.map(\.bytes) == [records[32], records[33]])
        #expect(try log.read(from: 51, maxRecords: 10, maxBytes: 100).isEmpty)
        try log.close()
    }

    @Test("read honours maxRecords and maxBytes, but always returns at least one record")
    func readLimits() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (log, _) = try DiskLog.open(Self.configuration(scratch, segmentBytes: 4096))
        try log.append([Scratch.payload(0, size: 100), Scratch.payload(1, size: 10), Scratch.payload(2, size: 10), []])
        #expect(try log.read(from: 1, maxRecords: 2, maxBytes: 1 << 20).map(\.position) == [1, 2])
        #expect(try log.read(from: 1, maxRecords: 10, maxBytes: 50).map(\.position) == [1])
        #expect(try log.read(from: 2, maxRecords: 10, maxBytes: 20).map(\.position) == [2, 3, 4])
        #expect(try log.read(from: 4, maxRecords: 10, maxBytes: 1).map(\.bytes) == [[]])
        #expect(try log.read(from: 1, maxRecords: 0, maxBytes: 100).isEmpty)
        try log.close()
    }

    @Test("acknowledging deletes whole segments only, and frees capacity")
    func acknowledgeDeletesSegments() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (log, _) = try DiskLog.open(Self.configuration(scratch))
        try log.append((0..<20).map { Scratch.payload($0) })  // segments: 1-6, 7-12, 13-18, 19-20
        #expect(log.state.segments == 4)
        try log.acknowledge(through: 5)
        #expect(log.state.segments == 4 && log.state.pendingRecords == 15 && log.state.acknowledged == 5)
        try log.acknowledge(through: 13)
        #expect(log.state.segments == 2 && log.state.pendingRecords == 7)
        #expect(scratch.segmentNamesIn("log").first == "00000000000000000013.wal")
        try log.acknowledge(through: 3)  // going backwards is a no-op
        #expect(log.state.acknowledged == 13)
        #expect(throws: DiskLogError.positionOutOfRange(position: 21, nextPosition: 21)) {
            try log.acknowledge(through: 21)
        }
        // Acknowledging everything removes the active segment too.
        try log.acknowledge(through: 20)
        #expect(log.state.segments == 0 && log.state.pendingBytes == 0 && log.state.pendingRecords == 0)
        #expect(try log.append([Scratch.payload(21)]) == 21..<22)
        try log.close()
    }

    @Test("reopen replays exactly the unacknowledged records, in order, and positions continue")
    func reopenReplays() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let records = (0..<40).map { Scratch.payload($0) }
        do {
            let (log, _) = try DiskLog.open(Self.configuration(scratch))
            try log.append(records)
            try log.acknowledge(through: 15)
            try log.close()
        }
        let (log, recovery) = try DiskLog.open(Self.configuration(scratch))
        #expect(recovery.isClean)
        #expect(recovery.acknowledged == 15 && recovery.nextPosition == 41)
        #expect(recovery.replayableRecords == 25 && recovery.replayableBytes == 250)
        let replayed = try Self.readAll(log, from: log.state.acknowledged + 1)
        #expect(replayed.map(\.position) == Array(16...40))
        #expect(replayed.map(\.bytes) == Array(records[15...]))
        #expect(log.state.pendingRecords == 25)
        #expect(try log.append([Scratch.payload(40)]) == 41..<42)
        try log.close()
    }

    @Test("after everything is acknowledged and all segments deleted, positions still never go backwards")
    func positionsMonotonicWithNoSegments() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        do {
            let (log, _) = try DiskLog.open(Self.configuration(scratch))
            try log.append((0..<10).map { Scratch.payload($0) })
            try log.acknowledge(through: 10)
            try log.close()
        }
        #expect(scratch.segmentNamesIn("log").isEmpty)
        let (log, recovery) = try DiskLog.open(Self.configuration(scratch))
        #expect(recovery.nextPosition == 11 && recovery.replayableRecords == 0)
        #expect(try log.append([[1]]) == 11..<12)
        try log.close()
    }

    @Test("the cap turns into .full without keeping any of the batch, and acknowledgement frees space")
    func capacityCap() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // Two segments' worth: 2 × (20 + 6 × 18).
        let configuration = Self.configuration(scratch, maxTotalBytes: 256)
        let (log, _) = try DiskLog.open(configuration)
        try log.append((0..<12).map { Scratch.payload($0) })
        #expect(log.state.pendingBytes == 256)
        let before = log.state
        #expect(throws: DiskLogError.full(needed: 38, available: 0)) {
            try log.append([Scratch.payload(12)])
        }
        #expect(log.state == before)
        #expect(try log.read(from: 13, maxRecords: 10, maxBytes: 1000).isEmpty)
        // Acknowledging part of the first segment frees nothing; all of it frees the segment.
        try log.acknowledge(through: 5)
        #expect(throws: DiskLogError.self) { try log.append([Scratch.payload(12)]) }
        try log.acknowledge(through: 6)
        #expect(log.state.pendingBytes == 128)
        #expect(try log.append((12..<18).map { Scratch.payload($0) }) == 13..<19)
        try log.close()
        // Nothing of the refused batches reached the disk.
        let (reopened, recovery) = try DiskLog.open(configuration)
        #expect(recovery.isClean && recovery.replayableRecords == 12 && recovery.nextPosition == 19)
        try reopened.close()
    }

    @Test("over-large records and batches are refused as permanent errors, not .full")
    func tooLarge() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let configuration = Self.configuration(scratch, maxTotalBytes: 256)
        let (log, _) = try DiskLog.open(configuration)
        #expect(configuration.maxRecordBytes == 100)
        #expect(throws: DiskLogError.recordTooLarge(bytes: 101, limit: 100)) {
            try log.append([[UInt8](repeating: 1, count: 101)])
        }
        try log.append([[UInt8](repeating: 1, count: 100)])
        #expect(throws: DiskLogError.batchTooLarge(bytes: 20 * 18 + 4 * 20, limit: 256)) {
            try log.append((0..<20).map { Scratch.payload($0) })
        }
        try log.close()
    }

    @Test("an invalid configuration is refused before touching the disk")
    func invalidConfiguration() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        for configuration in [
            DiskLogConfiguration(directory: scratch.child("a"), maxTotalBytes: 1 << 20, segmentBytes: 10),
            DiskLogConfiguration(directory: scratch.child("a"), maxTotalBytes: 10),
            DiskLogConfiguration(directory: scratch.child("a"), maxTotalBytes: 1 << 20, sync: .interval(.zero)),
        ] {
            #expect { try DiskLog.open(configuration) } throws: { error in
                if case .invalidConfiguration = error as? DiskLogError { return true }
                return false
            }
        }
        #expect(scratch.names().isEmpty)
    }

    @Test("a second open of the same directory is refused while the first holds it")
    func lock() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (log, _) = try DiskLog.open(Self.configuration(scratch))
        #expect(throws: DiskLogError.locked(path: scratch.child("log/lock"))) {
            try DiskLog.open(Self.configuration(scratch))
        }
        try log.close()
        #expect(throws: DiskLogError.closed) { try log.append([[1]]) }
        let (again, _) = try DiskLog.open(Self.configuration(scratch))
        try again.close()
    }

    @Test("sync policies: .always syncs every append, .interval after the interval, .never on sync()/close()")
    func syncPolicies() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (always, _) = try DiskLog.open(DiskLogConfiguration(
            directory: scratch.child("always"), maxTotalBytes: 1 << 20, segmentBytes: 128, sync: .always))
        try always.append((0..<10).map { Scratch.payload($0) })
        #expect(always.state.unsyncedBytes == 0)
        try always.close()

        let start = ContinuousClock.now
        let elapsed = Mutex(Duration.zero)
        let (interval, _) = try DiskLog.open(
            DiskLogConfiguration(directory: scratch.child("interval"), maxTotalBytes: 1 << 20, sync: .interval(.seconds(1))),
            now: { start + elapsed.withLock { $0 } })
        try interval.append([Scratch.payload(0)])
        #expect(interval.state.unsyncedBytes == 20 + 18)
        elapsed.withLock { $0 = .milliseconds(500) }
        try interval.append([Scratch.payload(1)])
        #expect(interval.state.unsyncedBytes == 20 + 36)
        elapsed.withLock { $0 = .milliseconds(1001) }
        try interval.append([Scratch.payload(2)])
        #expect(interval.state.unsyncedBytes == 0)
        try interval.append([Scratch.payload(3)])
        #expect(interval.state.unsyncedBytes == 18)
        try interval.sync()
        #expect(interval.state.unsyncedBytes == 0)
        try interval.close()

        let (never, _) = try DiskLog.open(DiskLogConfiguration(
            directory: scratch.child("never"), maxTotalBytes: 1 << 20, sync: .never))
        try never.append([Scratch.payload(0)])
        #expect(never.state.unsyncedBytes == 38)
        try never.close()
    }

    @Test("concurrent appenders get disjoint, contiguous positions and every record reads back")
    func concurrentAppends() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (log, _) = try DiskLog.open(Self.configuration(scratch, segmentBytes: 1024))
        let ranges = try await withThrowingTaskGroup(of: (Int, Range<UInt64>).self) { group in
            for writer in 0..<4 {
                group.addTask {
                    var mine: [Range<UInt64>] = []
                    for batch in 0..<25 {
                        let records = (0..<3).map { Scratch.payload(writer * 1000 + batch * 3 + $0) }
                        mine.append(try log.append(records))
                    }
                    return (writer, mine.reduce(0..<0) { $0.isEmpty ? $1 : $0 })
                }
            }
            var all: [(Int, Range<UInt64>)] = []
            for try await result in group { all.append(result) }
            return all
        }
        #expect(ranges.count == 4)
        let read = try Self.readAll(log, from: 1)
        #expect(read.map(\.position) == Array(1...300))
        #expect(Set(read.map(\.bytes)).count == 300)
        try log.close()
    }
}
