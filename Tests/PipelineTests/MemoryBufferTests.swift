import Synchronization
import Telemetry
import Testing
import TestSupport
@testable import Pipeline

/// Waits are bounded by the suite's time limit and `eventually`; nothing asserts how long
/// something took, only what happened, so a loaded 2-core machine cannot make these flake.
@Suite("MemoryBuffer", .timeLimit(.minutes(1)))
struct MemoryBufferTests {
    typealias Probe = AcknowledgementTests.Probe

    static let now = Timestamp(nanosecondsSinceEpoch: 1_700_000_000_000_000_000)
    /// Limits that hand out whatever is queued at once.
    static let immediately = BatchLimits(maxEvents: 1000, maxBytes: 1 << 20, maxWait: .zero)

    /// `count` log records; bodies name them so order can be checked.
    static func logs(_ count: Int, from first: Int = 0) -> TelemetryBatch {
        .logs((first..<first + count).map { LogRecord(observedTimestamp: now, body: Array("line \($0)".utf8)) })
    }

    static func item(_ count: Int, from first: Int = 0, _ probe: Probe? = nil) -> BufferItem {
        BufferItem(logs(count, from: first), acknowledgement: probe?.acknowledgement())
    }

    /// Every body of a delivery batch, in order.
    static func bodies(_ batch: BufferedBatch?) -> [String] {
        (batch?.batches ?? []).flatMap { part -> [String] in
            guard case .logs(let records) = part.payload else { return [] }
            return records.map { String(decoding: $0.body, as: UTF8.self) }
        }
    }

    /// Takes delivery batches until the buffer is closed and drained, completing each.
    static func drain(_ buffer: MemoryBuffer, _ limits: BatchLimits = immediately) async -> [BufferedBatch] {
        var taken: [BufferedBatch] = []
        while let batch = await buffer.nextBatch(limits) {
            taken.append(batch)
            buffer.complete(batch, delivered: true)
        }
        return taken
    }

    @Test("a delivery batch holds one signal: queued logs, spans, logs come out as three batches")
    func oneSignalPerBatch() async throws {
        let buffer = MemoryBuffer(maxBytes: 1 << 20, whenFull: .block)
        let span = Span(traceID: TraceID(high: 1, low: 2), spanID: SpanID(3), name: "s", start: Self.now, end: Self.now)
        for batch in [Self.logs(2), TelemetryBatch.spans([span]), Self.logs(1, from: 2)] {
            #expect(try await buffer.append(BufferItem(batch), ifBlocked: .refuse) == .accepted)
        }
        await buffer.close()
        let taken = await Self.drain(buffer)
        #expect(taken.map { $0.batches.map(\.signal) } == [[.logs], [.traces], [.logs]])
        #expect(taken.map(\.events) == [2, 1, 1])
    }

    @Test("append, nextBatch, complete: events in order, stats back to zero, acknowledgements delivered")
    func roundTrip() async throws {
        let buffer = MemoryBuffer(maxBytes: 1 << 20, whenFull: .block)
        let probes = [Probe(), Probe()]
        let first = Self.item(2, from: 0, probes[0])
        let second = Self.item(1, from: 2, probes[1])
        #expect(try await buffer.append(first, ifBlocked: .refuse) == .accepted)
        #expect(try await buffer.append(second, ifBlocked: .refuse) == .accepted)
        #expect(buffer.stats.events == 3)
        #expect(buffer.stats.bytes == first.bytes + second.bytes)

        let batch = try #require(await buffer.nextBatch(Self.immediately))
        #expect(Self.bodies(batch) == ["line 0", "line 1", "line 2"])
        #expect(batch.events == 3 && batch.bytes == first.bytes + second.bytes)
        #expect(buffer.stats.events == 3, "in flight still counts against the bounds")
        // The buffer's own hold is the only one: the acknowledgement completes on complete.
        #expect(probes.allSatisfy { $0.calls.isEmpty })

        buffer.complete(batch, delivered: true)
        #expect(buffer.stats.events == 0 && buffer.stats.bytes == 0)
        #expect(probes.map(\.calls) == [[.delivered], [.delivered]])
    }

    @Test("a batch completed as not delivered finishes its acknowledgements as dropped")
    func completedUndelivered() async throws {
        let buffer = MemoryBuffer(maxBytes: 1 << 20, whenFull: .block)
        let probe = Probe()
        _ = try await buffer.append(Self.item(1, probe), ifBlocked: .wait)
        let batch = try #require(await buffer.nextBatch(Self.immediately))
        buffer.complete(batch, delivered: false)
        #expect(probe.calls == [.dropped])
        #expect(buffer.stats.events == 0)
    }

    @Test("drop_newest: the incoming batch is dropped, counted and its acknowledgement finished")
    func dropNewest() async throws {
        let buffer = MemoryBuffer(maxBytes: 1 << 20, maxEvents: 3, whenFull: .dropNewest)
        #expect(try await buffer.append(Self.item(2), ifBlocked: .wait) == .accepted)
        let probe = Probe()
        #expect(try await buffer.append(Self.item(2, from: 2, probe), ifBlocked: .wait) == .dropped)
        #expect(probe.calls == [.dropped])
        #expect(buffer.stats.dropped[BufferStats.droppedFull] == 2)
        #expect(buffer.stats.events == 2)
        #expect(try await buffer.append(Self.item(1, from: 4), ifBlocked: .wait) == .accepted, "what fits still goes in")
        await buffer.close()
        #expect(await Self.drain(buffer).flatMap(Self.bodies) == ["line 0", "line 1", "line 4"])
    }

    @Test("drop_oldest: queued batches are dropped oldest first to make room, each counted")
    func dropOldest() async throws {
        let buffer = MemoryBuffer(maxBytes: 1 << 20, maxEvents: 4, whenFull: .dropOldest)
        let probes = [Probe(), Probe(), Probe()]
        _ = try await buffer.append(Self.item(2, from: 0, probes[0]), ifBlocked: .wait)
        _ = try await buffer.append(Self.item(2, from: 2, probes[1]), ifBlocked: .wait)
        #expect(try await buffer.append(Self.item(3, from: 4, probes[2]), ifBlocked: .wait) == .accepted)
        #expect(probes[0].calls == [.dropped] && probes[1].calls == [.dropped])
        #expect(buffer.stats.dropped[BufferStats.droppedFull] == 4)
        #expect(buffer.stats.events == 3)
        await buffer.close()
        #expect(await Self.drain(buffer).flatMap(Self.bodies) == ["line 4", "line 5", "line 6"])
        #expect(probes[2].calls == [.delivered])
    }

    @Test("drop_oldest: when what is out for delivery leaves no room, only the newcomer is dropped")
    func dropOldestKeepsQueueWhenEvictionCannotHelp() async throws {
        let buffer = MemoryBuffer(maxBytes: 1 << 20, maxEvents: 4, whenFull: .dropOldest)
        _ = try await buffer.append(Self.item(3, from: 0), ifBlocked: .wait)
        let inFlight = try #require(await buffer.nextBatch(Self.immediately))
        let queued = Probe()
        _ = try await buffer.append(Self.item(1, from: 3, queued), ifBlocked: .wait)
        let newcomer = Probe()
        #expect(try await buffer.append(Self.item(2, from: 4, newcomer), ifBlocked: .wait) == .dropped)
        #expect(newcomer.calls == [.dropped])
        #expect(queued.calls.isEmpty, "the queued batch was not dropped for nothing")
        #expect(buffer.stats.dropped[BufferStats.droppedFull] == 2)
        #expect(buffer.stats.events == 4)

        buffer.complete(inFlight, delivered: true)
        await buffer.close()
        #expect(await Self.drain(buffer).flatMap(Self.bodies) == ["line 3"])
        #expect(queued.calls == [.delivered])
        #expect(buffer.stats.events == 0 && buffer.stats.bytes == 0)
    }

    @Test("block without waiting: .full, nothing taken, the acknowledgement untouched")
    func blockFull() async throws {
        let buffer = MemoryBuffer(maxBytes: 1 << 20, maxEvents: 2, whenFull: .block)
        _ = try await buffer.append(Self.item(2), ifBlocked: .refuse)
        #expect(try !buffer.hasRoom(events: 1, bytes: 1))
        let probe = Probe()
        #expect(try await buffer.append(Self.item(1, probe), ifBlocked: .refuse) == .full)
        #expect(probe.calls.isEmpty)
        #expect(buffer.stats.events == 2)
        #expect(buffer.stats.dropped.total == 0, "refused upstream is not dropped")
    }

    @Test("a batch larger than the whole buffer is taken when the buffer is empty, so block cannot wait forever")
    func oversizeIntoEmpty() async throws {
        let buffer = MemoryBuffer(maxBytes: 10, maxEvents: 2, whenFull: .block)
        #expect(try buffer.hasRoom(events: 5, bytes: 1000))
        #expect(try await buffer.append(Self.item(5), ifBlocked: .refuse) == .accepted)
        #expect(try await buffer.append(Self.item(1), ifBlocked: .refuse) == .full)
    }

    @Test("block: a waiting sender resumes once a delivered batch frees room")
    func blockWaitsForRoom() async throws {
        let buffer = MemoryBuffer(maxBytes: 1 << 20, maxEvents: 2, whenFull: .block)
        _ = try await buffer.append(Self.item(2), ifBlocked: .refuse)
        let waiter = Task { try await buffer.append(Self.item(1, from: 2), ifBlocked: .wait) }
        try await Task.sleep(for: .milliseconds(50))
        #expect(buffer.stats.events == 2, "still waiting")

        let batch = try #require(await buffer.nextBatch(Self.immediately))
        try await Task.sleep(for: .milliseconds(20))
        #expect(buffer.stats.events == 2, "taking a batch frees nothing until it is completed")
        buffer.complete(batch, delivered: true)
        #expect(try await waiter.value == .accepted)
        #expect(buffer.stats.events == 1)
    }

    @Test("close: a waiting sender gets .closed, later appends throw .closed, queued data drains, then nil")
    func close() async throws {
        let buffer = MemoryBuffer(maxBytes: 1 << 20, maxEvents: 2, whenFull: .block)
        let probe = Probe()
        _ = try await buffer.append(Self.item(2, probe), ifBlocked: .refuse)
        let waiter = Task { try await buffer.append(Self.item(1, from: 2), ifBlocked: .wait) }
        try await Task.sleep(for: .milliseconds(20))
        await buffer.close()
        await #expect(throws: BufferError.closed) { try await waiter.value }
        await #expect(throws: BufferError.closed) { try await buffer.append(Self.item(1), ifBlocked: .refuse) }

        // maxWait is long: a closed buffer hands out what it has without waiting for it.
        let limits = BatchLimits(maxEvents: 100, maxWait: .seconds(3600))
        let batch = try #require(await buffer.nextBatch(limits))
        #expect(Self.bodies(batch) == ["line 0", "line 1"])
        buffer.complete(batch, delivered: true)
        #expect(await buffer.nextBatch(limits) == nil)
        #expect(probe.calls == [.delivered])
    }

    @Test("a cancelled waiting sender throws .cancelled; a cancelled idle consumer gets nil")
    func cancellation() async throws {
        let buffer = MemoryBuffer(maxBytes: 1 << 20, maxEvents: 1, whenFull: .block)
        let idle = Task { await buffer.nextBatch(Self.immediately) }
        idle.cancel()
        #expect(await idle.value == nil)

        _ = try await buffer.append(Self.item(1), ifBlocked: .refuse)
        let waiter = Task { try await buffer.append(Self.item(1), ifBlocked: .wait) }
        try await Task.sleep(for: .milliseconds(20))
        waiter.cancel()
        await #expect(throws: BufferError.cancelled) { try await waiter.value }
        #expect(buffer.stats.events == 1)
    }

    @Test("nextBatch waits for the first event, then up to maxWait for more")
    func maxWait() async throws {
        let buffer = MemoryBuffer(maxBytes: 1 << 20, whenFull: .block)
        let latch = Latch()
        let consumer = Task {
            defer { latch.set() }
            return await buffer.nextBatch(BatchLimits(maxEvents: 100, maxWait: .milliseconds(30)))
        }
        try await Task.sleep(for: .milliseconds(30))
        #expect(!latch.isSet, "no data, no batch")
        _ = try await buffer.append(Self.item(1), ifBlocked: .refuse)
        // Fewer events than maxEvents: the batch goes once maxWait has passed.
        let batch = try #require(await consumer.value)
        #expect(batch.events == 1)
    }

    @Test("nextBatch does not wait out maxWait once maxEvents or maxBytes are queued")
    func limitsReached() async throws {
        let buffer = MemoryBuffer(maxBytes: 1 << 20, whenFull: .block)
        let latch = Latch()
        let limits = BatchLimits(maxEvents: 3, maxWait: .seconds(3600))
        let consumer = Task {
            defer { latch.set() }
            return await buffer.nextBatch(limits)
        }
        _ = try await buffer.append(Self.item(2), ifBlocked: .refuse)
        try await Task.sleep(for: .milliseconds(50))
        #expect(!latch.isSet, "2 of 3 events and an hour to wait")
        _ = try await buffer.append(Self.item(1, from: 2), ifBlocked: .refuse)
        #expect(try #require(await consumer.value).events == 3)

        let one = Self.item(1)
        _ = try await buffer.append(one, ifBlocked: .refuse)
        let byBytes = try #require(await buffer.nextBatch(BatchLimits(maxEvents: 100, maxBytes: one.bytes, maxWait: .seconds(3600))))
        #expect(byBytes.events == 1)
    }

    @Test("a delivery batch takes whole entries while they fit maxEvents and maxBytes")
    func batchLimits() async throws {
        let buffer = MemoryBuffer(maxBytes: 1 << 20, whenFull: .block)
        for index in 0..<5 { _ = try await buffer.append(Self.item(2, from: index * 2), ifBlocked: .refuse) }
        await buffer.close()
        let byEvents = await Self.drain(buffer, BatchLimits(maxEvents: 5, maxWait: .zero))
        #expect(byEvents.map(\.events) == [4, 4, 2])
        #expect(byEvents.map(\.batches.count) == [2, 2, 1], "entries are not split when whole ones fit")
        #expect(byEvents.flatMap(Self.bodies) == (0..<10).map { "line \($0)" })

        let bytesBuffer = MemoryBuffer(maxBytes: 1 << 20, whenFull: .block)
        let entry = Self.item(1)
        for index in 0..<5 { _ = try await bytesBuffer.append(Self.item(1, from: index), ifBlocked: .refuse) }
        await bytesBuffer.close()
        let byBytes = await Self.drain(bytesBuffer, BatchLimits(maxEvents: 100, maxBytes: entry.bytes * 2 + entry.bytes / 2, maxWait: .zero))
        #expect(byBytes.map(\.events) == [2, 2, 1])
        #expect(byBytes.allSatisfy { $0.bytes <= entry.bytes * 2 + entry.bytes / 2 })
    }

    @Test("an entry larger than the batch limit is split; its acknowledgement completes after the last part")
    func splitByEvents() async throws {
        let buffer = MemoryBuffer(maxBytes: 1 << 20, whenFull: .block)
        let probe = Probe()
        let item = Self.item(10, probe)
        _ = try await buffer.append(item, ifBlocked: .refuse)
        let limits = BatchLimits(maxEvents: 3, maxWait: .zero)
        var parts: [BufferedBatch] = []
        for _ in 0..<4 { parts.append(try #require(await buffer.nextBatch(limits))) }
        #expect(parts.map(\.events) == [3, 3, 3, 1])
        #expect(parts.flatMap(Self.bodies) == (0..<10).map { "line \($0)" })
        #expect(parts.reduce(0) { $0 + $1.bytes } == item.bytes, "the parts' bytes add up to what was counted in")
        #expect(buffer.stats.events == 10)

        for part in parts.dropLast() { buffer.complete(part, delivered: true) }
        #expect(probe.calls.isEmpty, "one part still out")
        buffer.complete(parts[3], delivered: true)
        #expect(probe.calls == [.delivered])
        #expect(buffer.stats.events == 0 && buffer.stats.bytes == 0)
    }

    @Test("a split entry is dropped as a whole when any part is not delivered")
    func splitPartDropped() async throws {
        let buffer = MemoryBuffer(maxBytes: 1 << 20, whenFull: .block)
        let probe = Probe()
        _ = try await buffer.append(Self.item(4, probe), ifBlocked: .refuse)
        let limits = BatchLimits(maxEvents: 2, maxWait: .zero)
        let first = try #require(await buffer.nextBatch(limits))
        let second = try #require(await buffer.nextBatch(limits))
        buffer.complete(first, delivered: false)
        buffer.complete(second, delivered: true)
        #expect(probe.calls == [.dropped])
    }

    @Test("an entry over maxBytes is split in proportion to its bytes")
    func splitByBytes() async throws {
        let buffer = MemoryBuffer(maxBytes: 1 << 20, whenFull: .block)
        let probe = Probe()
        let item = Self.item(12, from: 10, probe)
        _ = try await buffer.append(item, ifBlocked: .refuse)
        await buffer.close()
        let parts = await Self.drain(buffer, BatchLimits(maxEvents: 100, maxBytes: item.bytes / 4, maxWait: .zero))
        #expect(parts.count >= 4)
        #expect(parts.allSatisfy { $0.bytes <= item.bytes / 4 })
        #expect(parts.reduce(0) { $0 + $1.events } == 12)
        #expect(parts.flatMap(Self.bodies) == (10..<22).map { "line \($0)" })
        #expect(probe.calls == [.delivered])
        #expect(buffer.stats.events == 0 && buffer.stats.bytes == 0)
    }

    @Test("stats return to zero after a mixed run of appends, drops and completions")
    func statsReturnToZero() async throws {
        let buffer = MemoryBuffer(maxBytes: 1 << 20, maxEvents: 6, whenFull: .dropOldest)
        for index in 0..<20 { _ = try await buffer.append(Self.item(1 + index % 3, from: index * 3), ifBlocked: .wait) }
        #expect(buffer.stats.events <= 6)
        await buffer.close()
        _ = await Self.drain(buffer, BatchLimits(maxEvents: 4, maxWait: .zero))
        #expect(buffer.stats.events == 0 && buffer.stats.bytes == 0)
        #expect(buffer.stats.dropped[BufferStats.droppedFull] > 0)
    }
}

extension MemoryBufferTests {
    /// Set once a task got somewhere: lets a test check a task is still waiting without
    /// awaiting it.
    final class Latch: Sendable {
        private let flag = Atomic<Bool>(false)
        func set() { flag.store(true, ordering: .releasing) }
        var isSet: Bool { flag.load(ordering: .acquiring) }
    }
}
