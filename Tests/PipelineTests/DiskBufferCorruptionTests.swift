import Testing
import TestSupport
@testable import Pipeline
import Telemetry

/// Records the log delivers intact (checksums match) but that are not batches, and
/// records damaged on disk while the buffer runs: each is skipped, counted and
/// acknowledged, so it is never retried and never blocks the records after it.
@Suite("DiskBuffer: corrupt records")
struct DiskBufferCorruptionTests {
    typealias Fixture = DiskBufferTests

    @Test("records that do not decode are skipped, counted as corrupt and acknowledged")
    func undecodable() async throws {
        let directory = try TemporaryDirectory("disk-buffer")
        let first = Fixture.logs("first", 2)
        let last = Fixture.logs("last", 3)
        do {
            let (log, _) = try DiskLog.open(DiskLogConfiguration(directory: directory.path, maxTotalBytes: 1 << 20, sync: .never))
            try log.append([
                BatchCodec.encode(first),
                [0xDE, 0xAD, 0xBE, 0xEF],  // not even a header: found when the buffer opens
                [BatchCodec.version, 1, 10, 0, 0, 1, 0xFF],  // a header, then garbage: found when read
                BatchCodec.encode(last),
            ])
            try log.close()
        }
        let buffer = try Fixture.open(directory.path)
        #expect(buffer.stats.dropped[DiskBuffer.droppedCorrupt] == 1)
        #expect(buffer.stats.events == 2 + 1 + 3)
        let batch = try #require(await buffer.nextBatch(BatchLimits(maxWait: .zero)))
        #expect(batch.batches == [first, last] && batch.events == 5)
        #expect(buffer.stats.dropped[DiskBuffer.droppedCorrupt] == 2)
        #expect(buffer.stats.events == 5)
        buffer.complete(batch, delivered: true)
        await Fixture.settle(buffer)
        #expect(buffer.log.state.acknowledged == 4 && buffer.stats.events == 0)
        await buffer.close()
        let reopened = try Fixture.open(directory.path)
        #expect(reopened.stats.events == 0 && reopened.recovery.replayableRecords == 0)
        await reopened.close()
    }

    @Test("a record damaged on disk after it was appended fails its checksum on read and is skipped")
    func damagedWhileOpen() async throws {
        let directory = try TemporaryDirectory("disk-buffer")
        let buffer = try Fixture.open(directory.path)
        let batches = ["a", "b", "c"].map { Fixture.logs($0, 1) }
        for batch in batches { _ = try await buffer.append(BufferItem(batch), ifBlocked: .wait) }
        // Flip a byte inside b's payload: segment header, a's frame, b's frame header, 2 in.
        let segment = directory.path + "/" + Segment.fileName(basePosition: 1)
        let offset = SegmentHeader.size + SegmentFrame.size(ofPayload: BatchCodec.encode(batches[0]).count) + SegmentFrame.headerSize + 2
        try DiskLogScratchDirectory.flip(segment, at: offset)

        let batch = try #require(await buffer.nextBatch(BatchLimits(maxWait: .zero)))
        #expect(batch.batches == [batches[0], batches[2]])
        #expect(buffer.stats.dropped[DiskBuffer.droppedCorrupt] == 1)
        buffer.complete(batch, delivered: true)
        await Fixture.settle(buffer)
        #expect(buffer.log.state.acknowledged == 3)
        await buffer.close()
    }
}
