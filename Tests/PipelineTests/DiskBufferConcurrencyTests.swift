import Synchronization
import Testing
import TestSupport
@testable import Pipeline
import Telemetry

@Suite("DiskBuffer: concurrency and lifecycle")
struct DiskBufferConcurrencyTests {
    typealias Fixture = DiskBufferTests

    /// What the consumers delivered, shared by the tasks of a group.
    final class Seen: Sendable {
        let bodies = Mutex<[String]>([])
    }

    @Test("concurrent senders and consumers completing out of order: every event once, the log fully acknowledged")
    func sendersAndConsumers() async throws {
        let directory = try TemporaryDirectory("disk-buffer")
        // Small enough that senders block on room while consumers work.
        let buffer = try Fixture.open(directory.path, maxBytes: 256 << 10, maxEvents: 200, whenFull: .block, segmentBytes: 16 << 10)
        let senders = 4
        let perSender = 60
        let seen = Seen()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sender in 0..<senders {
                group.addTask {
                    for index in 0..<perSender {
                        let result = try await buffer.append(
                            BufferItem(Fixture.logs("s\(sender)i\(index)", 1 + index % 7, bodyBytes: 300)), ifBlocked: .wait)
                        #expect(result == .accepted)
                    }
                }
            }
            for consumer in 0..<3 {
                group.addTask {
                    var held: [BufferedBatch] = []
                    while let batch = await buffer.nextBatch(BatchLimits(maxEvents: 5 + consumer, maxWait: .milliseconds(5))) {
                        seen.bodies.withLock { $0 += Fixture.bodies(batch.batches) }
                        held.append(batch)
                        // Complete in bursts, newest first: out of order across and within consumers.
                        if held.count == 3 {
                            for batch in held.reversed() { buffer.complete(batch, delivered: true) }
                            held.removeAll()
                        }
                    }
                    for batch in held { buffer.complete(batch, delivered: true) }
                }
            }
            group.addTask {
                // Close once every sender's events are in; consumers then drain and stop.
                let expected = senders * (0..<perSender).reduce(0) { $0 + 1 + $1 % 7 }
                let allSeen = await eventually(within: 60) { seen.bodies.withLock { $0.count } >= expected }
                #expect(allSeen)
                await buffer.close()
            }
            try await group.waitForAll()
        }
        let expected = (0..<senders).flatMap { sender in
            (0..<perSender).flatMap { index in (0..<(1 + index % 7)).map { "s\(sender)i\(index)-\($0)" } }
        }
        #expect(seen.bodies.withLock { $0 }.sorted() == expected.sorted())
        #expect(buffer.stats.events == 0 && buffer.stats.dropped.total == 0)
        // Drained and completed: the buffer closed its log itself, with everything acknowledged.
        await Fixture.settle(buffer)
        let reopened = try Fixture.open(directory.path)
        #expect(reopened.recovery.replayableRecords == 0 && reopened.recovery.acknowledged == UInt64(senders * perSender))
        await reopened.close()
    }

    @Test("open off the pool; sync: interval syncs an idle log on its timer")
    func openAndIntervalSync() async throws {
        let directory = try TemporaryDirectory("disk-buffer")
        let buffer = try await DiskBuffer.open(
            directory: directory.path, maxBytes: 1 << 20, whenFull: .block, sync: .interval(.milliseconds(50)))
        _ = try await buffer.append(BufferItem(Fixture.logs("x", 1)), ifBlocked: .wait)
        #expect(await eventually { buffer.log.state.unsyncedBytes == 0 })
        await buffer.closeLog()
        await buffer.closeLog()
        await #expect(throws: BufferError.closed) { try await buffer.append(BufferItem(Fixture.logs("y", 1)), ifBlocked: .wait) }
        #expect(await buffer.nextBatch(BatchLimits(maxWait: .zero)) == nil)
    }

    @Test("a cancelled consumer gets nil and leaves the records on disk")
    func cancelledConsumer() async throws {
        let directory = try TemporaryDirectory("disk-buffer")
        do {
            let buffer = try Fixture.open(directory.path)
            _ = try await buffer.append(BufferItem(Fixture.logs("kept", 2)), ifBlocked: .wait)
            let consumer = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return await buffer.nextBatch(BatchLimits(maxWait: .zero))
            }
            #expect(await consumer.value == nil)
            await buffer.close()
            // Closed and cancelled (shutdown timed out): the log is closed, records kept.
            let late = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return await buffer.nextBatch(BatchLimits(maxWait: .zero))
            }
            #expect(await late.value == nil)
            await Fixture.settle(buffer)
        }
        let reopened = try Fixture.open(directory.path)
        let batch = try #require(await reopened.nextBatch(BatchLimits(maxWait: .zero)))
        #expect(Fixture.bodies(batch.batches) == ["kept-0", "kept-1"])
        await reopened.closeLog()
    }

    @Test("a batch larger than a log record is stored as several records")
    func oversizedItem() async throws {
        let directory = try TemporaryDirectory("disk-buffer")
        // 4 KiB segments: a record may hold just under 4 KiB.
        let buffer = try Fixture.open(directory.path, maxBytes: 1 << 20, segmentBytes: 4096)
        let big = Fixture.logs("big", 20, bodyBytes: 500)
        #expect(try await buffer.append(BufferItem(big), ifBlocked: .wait) == .accepted)
        #expect(buffer.log.state.pendingRecords > 1)
        let huge = Fixture.logs("huge", 1, bodyBytes: 10_000)
        #expect(try await buffer.append(BufferItem(huge), ifBlocked: .wait) == .dropped)
        #expect(buffer.stats.dropped[DiskBuffer.droppedTooLarge] == 1)
        let rest = await Fixture.drain(buffer)
        #expect(Fixture.bodies(rest.flatMap(\.batches)) == (0..<20).map { "big-\($0)" })
        await buffer.closeLog()
    }
}
