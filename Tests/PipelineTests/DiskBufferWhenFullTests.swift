import Synchronization
import Testing
import TestSupport
@testable import Pipeline
import Telemetry

@Suite("DiskBuffer: when_full policies")
struct DiskBufferWhenFullTests {
    typealias Fixture = DiskBufferTests

    /// Collects acknowledgement outcomes in order.
    final class Outcomes: Sendable {
        let values = Mutex<[Acknowledgement.Outcome]>([])

        func make() -> Acknowledgement {
            Acknowledgement { outcome in self.values.withLock { $0.append(outcome) } }
        }

        var all: [Acknowledgement.Outcome] { values.withLock { $0 } }
    }

    @Test("block, events bound: .full without waiting; a waiting sender resumes when a batch completes")
    func blockOnEvents() async throws {
        let directory = try TemporaryDirectory("disk-buffer")
        let buffer = try Fixture.open(directory.path, maxEvents: 10, whenFull: .block)
        #expect(try await buffer.append(BufferItem(Fixture.logs("a", 6)), ifBlocked: .wait) == .accepted)
        #expect(try await buffer.append(BufferItem(Fixture.logs("b", 4)), ifBlocked: .wait) == .accepted)
        #expect(try !buffer.hasRoom(events: 1, bytes: 10))
        let outcomes = Outcomes()
        let refused = BufferItem(Fixture.logs("c", 3), acknowledgement: outcomes.make())
        #expect(try await buffer.append(refused, ifBlocked: .refuse) == .full)
        #expect(outcomes.all.isEmpty, "a refused item's acknowledgement is left to the caller")
        #expect(buffer.stats.dropped.total == 0)

        let resumed = Mutex(false)
        let sender = Task {
            let result = try await buffer.append(BufferItem(Fixture.logs("c", 3)), ifBlocked: .wait)
            resumed.withLock { $0 = true }
            return result
        }
        let batch = try #require(await buffer.nextBatch(BatchLimits(maxEvents: 6, maxWait: .zero)))
        #expect(batch.events == 6)
        #expect(!resumed.withLock { $0 }, "taking a batch frees nothing until it completes")
        buffer.complete(batch, delivered: true)
        #expect(try await sender.value == .accepted)
        let rest = await Fixture.drain(buffer)
        #expect(Fixture.bodies(rest.flatMap(\.batches)) == ["b-0", "b-1", "b-2", "b-3", "c-0", "c-1", "c-2"])
        await buffer.closeLog()
    }

    @Test("block, byte cap: a full log refuses, and acknowledgements that free a segment let the sender in")
    func blockOnBytes() async throws {
        let directory = try TemporaryDirectory("disk-buffer")
        // 64 KiB cap in 16 KiB segments; records of about 2 KiB.
        let buffer = try Fixture.open(directory.path, maxBytes: 64 << 10, whenFull: .block, segmentBytes: 16 << 10)
        var appended = 0
        while try await buffer.append(BufferItem(Fixture.logs("f\(appended)", 1, bodyBytes: 2000)), ifBlocked: .refuse) == .accepted {
            appended += 1
            #expect(appended < 100)
        }
        #expect(appended >= 25 && buffer.stats.bytes <= 64 << 10)
        #expect(try !buffer.hasRoom(events: 1, bytes: 2000))
        let sender = Task { try await buffer.append(BufferItem(Fixture.logs("late", 1, bodyBytes: 2000)), ifBlocked: .wait) }
        var delivered: [String] = []
        while delivered.count < appended {
            let batch = try #require(await buffer.nextBatch(BatchLimits(maxEvents: 4, maxWait: .zero)))
            delivered += Fixture.bodies(batch.batches)
            buffer.complete(batch, delivered: true)
        }
        #expect(try await sender.value == .accepted)
        delivered += Fixture.bodies(await Fixture.drain(buffer).flatMap(\.batches))
        #expect(delivered == (0..<appended).map { "f\($0)-0" } + ["late-0"])
        #expect(buffer.stats.dropped.total == 0)
        await buffer.closeLog()
    }

    @Test("drop_newest drops the incoming batch and counts its events")
    func dropNewest() async throws {
        let directory = try TemporaryDirectory("disk-buffer")
        let buffer = try Fixture.open(directory.path, maxEvents: 10, whenFull: .dropNewest)
        let outcomes = Outcomes()
        #expect(try await buffer.append(BufferItem(Fixture.logs("a", 8), acknowledgement: outcomes.make()), ifBlocked: .wait) == .accepted)
        #expect(try await buffer.append(BufferItem(Fixture.logs("b", 5), acknowledgement: outcomes.make()), ifBlocked: .wait) == .dropped)
        #expect(try await buffer.append(BufferItem(Fixture.logs("c", 2), acknowledgement: outcomes.make()), ifBlocked: .refuse) == .accepted)
        #expect(outcomes.all == [.delivered, .dropped, .delivered])
        #expect(buffer.stats.dropped[BufferStats.droppedFull] == 5 && buffer.stats.events == 10)
        let batch = try #require(await buffer.nextBatch(BatchLimits(maxWait: .zero)))
        #expect(Fixture.bodies(batch.batches) == (0..<8).map { "a-\($0)" } + ["c-0", "c-1"])
        await buffer.closeLog()
    }

    @Test("drop_oldest, events bound: the oldest unsent records go, counted, and are acknowledged for good")
    func dropOldestOnEvents() async throws {
        let directory = try TemporaryDirectory("disk-buffer")
        do {
            let buffer = try Fixture.open(directory.path, maxEvents: 10, whenFull: .dropOldest)
            for tag in ["a", "b"] { #expect(try await buffer.append(BufferItem(Fixture.logs(tag, 4)), ifBlocked: .wait) == .accepted) }
            #expect(try await buffer.append(BufferItem(Fixture.logs("c", 4)), ifBlocked: .refuse) == .accepted)
            #expect(buffer.stats.dropped[BufferStats.droppedFull] == 4 && buffer.stats.events == 8)
            // b is out for delivery and cannot be dropped; c goes for d.
            let taken = try #require(await buffer.nextBatch(BatchLimits(maxEvents: 4, maxWait: .zero)))
            #expect(Fixture.bodies(taken.batches) == (0..<4).map { "b-\($0)" })
            #expect(try await buffer.append(BufferItem(Fixture.logs("d", 6)), ifBlocked: .wait) == .accepted)
            #expect(buffer.stats.dropped[BufferStats.droppedFull] == 8 && buffer.stats.events == 10)
            await Fixture.settle(buffer)
            #expect(buffer.log.state.acknowledged == 1, "a was at the front; c waits behind b in flight")
            buffer.complete(taken, delivered: true)
            await Fixture.settle(buffer)
            #expect(buffer.log.state.acknowledged == 3)
            await buffer.closeLog()
        }
        let reopened = try Fixture.open(directory.path, maxEvents: 10, whenFull: .dropOldest)
        let batch = try #require(await reopened.nextBatch(BatchLimits(maxWait: .zero)))
        #expect(Fixture.bodies(batch.batches) == (0..<6).map { "d-\($0)" })
        await reopened.closeLog()
    }

    @Test("drop_oldest, byte cap: appends never wait; what is dropped is the oldest, and nothing else is lost")
    func dropOldestOnBytes() async throws {
        let directory = try TemporaryDirectory("disk-buffer")
        let buffer = try Fixture.open(directory.path, maxBytes: 64 << 10, whenFull: .dropOldest, segmentBytes: 16 << 10)
        let total = 120
        for index in 0..<total {
            #expect(try await buffer.append(BufferItem(Fixture.logs("g\(index)", 1, bodyBytes: 2000)), ifBlocked: .refuse) == .accepted)
        }
        let dropped = Int(buffer.stats.dropped[BufferStats.droppedFull])
        #expect(dropped > 0 && buffer.stats.events == total - dropped)
        #expect(buffer.stats.bytes <= 64 << 10)
        let rest = await Fixture.drain(buffer)
        #expect(Fixture.bodies(rest.flatMap(\.batches)) == (dropped..<total).map { "g\($0)-0" })
        await buffer.closeLog()
    }

    @Test("drop_oldest with the oldest record out for delivery drops the newcomer instead")
    func dropOldestBehindInFlight() async throws {
        let directory = try TemporaryDirectory("disk-buffer")
        let buffer = try Fixture.open(directory.path, maxBytes: 64 << 10, whenFull: .dropOldest, segmentBytes: 16 << 10)
        _ = try await buffer.append(BufferItem(Fixture.logs("first", 1, bodyBytes: 2000)), ifBlocked: .wait)
        let inFlight = try #require(await buffer.nextBatch(BatchLimits(maxWait: .zero)))
        var results: [AppendResult] = []
        for index in 0..<60 {
            results.append(try await buffer.append(BufferItem(Fixture.logs("h\(index)", 1, bodyBytes: 2000)), ifBlocked: .wait))
        }
        let dropped = results.filter { $0 == .dropped }.count
        #expect(dropped > 0 && results.prefix(while: { $0 == .accepted }).count == 60 - dropped)
        #expect(buffer.stats.dropped[BufferStats.droppedFull] == UInt64(dropped))
        buffer.complete(inFlight, delivered: true)
        let rest = await Fixture.drain(buffer)
        #expect(Fixture.bodies(rest.flatMap(\.batches)) == (0..<(60 - dropped)).map { "h\($0)-0" })
        await buffer.closeLog()
    }
}
