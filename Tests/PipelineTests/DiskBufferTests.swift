#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import Testing
import TestSupport
@testable import Pipeline
import Telemetry

@Suite("DiskBuffer: append, read, complete, restart")
struct DiskBufferTests {
    /// A batch of `count` log lines whose bodies say which they are: `tag-0`, `tag-1`, …
    static func logs(_ tag: String, _ count: Int, bodyBytes: Int = 0) -> TelemetryBatch {
        let padding = [UInt8](repeating: 0x2E, count: bodyBytes)
        return .logs(
            (0..<count).map {
                LogRecord(observedTimestamp: Timestamp(nanosecondsSinceEpoch: Int64($0)), severity: .info,
                          body: Array("\(tag)-\($0)".utf8) + padding)
            },
            resource: Resource(attributes: ["service.name": "test"]))
    }

    static func bodies(_ batches: [TelemetryBatch]) -> [String] {
        batches.flatMap { batch -> [String] in
            guard case .logs(let records) = batch.payload else { return [] }
            return records.map { String(decoding: $0.body.prefix { $0 != 0x2E }, as: UTF8.self) }
        }
    }

    static func open(_ directory: String, maxBytes: Int = 1 << 20, maxEvents: Int? = nil, whenFull: WhenFull = .block,
                     segmentBytes: Int = 64 << 10) throws -> DiskBuffer {
        try DiskBuffer(directory: directory, maxBytes: maxBytes, maxEvents: maxEvents, whenFull: whenFull, sync: .never,
                       segmentBytes: segmentBytes)
    }

    /// Takes batches until the buffer has nothing due right now.
    static func drain(_ buffer: DiskBuffer, _ limits: BatchLimits = BatchLimits(maxWait: .zero)) async -> [BufferedBatch] {
        var taken: [BufferedBatch] = []
        while buffer.state.withLock({ $0.firstUnreadIndex != nil || !$0.remainders.isEmpty }),
              let batch = await buffer.nextBatch(limits) {
            taken.append(batch)
        }
        return taken
    }

    /// Waits for the buffer's I/O queue to run everything queued so far (acknowledgements).
    static func settle(_ buffer: DiskBuffer) async {
        await buffer.onQueue {}
    }

    @Test("appended batches come back in order; completing acknowledges the log")
    func roundTrip() async throws {
        let directory = try TemporaryDirectory("disk-buffer")
        let buffer = try Self.open(directory.path)
        #expect(buffer.stats.kind == "disk" && buffer.stats.capacityBytes == 1 << 20 && buffer.recovery.isClean)
        for (index, count) in [3, 1, 5].enumerated() {
            #expect(try await buffer.append(BufferItem(Self.logs("b\(index)", count)), ifBlocked: .wait) == .accepted)
        }
        #expect(buffer.stats.events == 9 && buffer.stats.bytes > 0)
        let batch = try #require(await buffer.nextBatch(BatchLimits(maxWait: .zero)))
        #expect(batch.events == 9 && batch.batches.count == 3)
        #expect(batch.batches[0] == Self.logs("b0", 3) && batch.batches[2] == Self.logs("b2", 5))
        #expect(buffer.stats.events == 9, "taken but not completed still counts")
        buffer.complete(batch, delivered: true)
        await Self.settle(buffer)
        #expect(buffer.stats.events == 0 && buffer.log.state.acknowledged == 3 && buffer.log.state.pendingRecords == 0)
        await buffer.close()
        #expect(await buffer.nextBatch(BatchLimits(maxWait: .zero)) == nil)
    }

    @Test("the source's acknowledgement finishes when the batch is on disk, not at delivery")
    func acknowledgementAtAppend() async throws {
        let directory = try TemporaryDirectory("disk-buffer")
        let buffer = try Self.open(directory.path)
        let outcomes = Mutex<[Acknowledgement.Outcome]>([])
        let acknowledgement = Acknowledgement { outcome in outcomes.withLock { $0.append(outcome) } }
        #expect(try await buffer.append(BufferItem(Self.logs("a", 2), acknowledgement: acknowledgement), ifBlocked: .wait) == .accepted)
        #expect(outcomes.withLock { $0 } == [.delivered])
        #expect(buffer.log.state.pendingRecords == 1)
        // Nothing left to finish at delivery: completing must not touch it again.
        let batch = try #require(await buffer.nextBatch(BatchLimits(maxWait: .zero)))
        buffer.complete(batch, delivered: false)
        #expect(outcomes.withLock { $0 } == [.delivered])
        await buffer.closeLog()
    }

    @Test("batching waits for max_wait after an append, but replayed records are due at once")
    func maxWait() async throws {
        let directory = try TemporaryDirectory("disk-buffer")
        do {
            let buffer = try Self.open(directory.path)
            _ = try await buffer.append(BufferItem(Self.logs("w", 1)), ifBlocked: .wait)
            // A full batch by events is due at once even with a long max_wait.
            _ = try await buffer.append(BufferItem(Self.logs("x", 3)), ifBlocked: .wait)
            let batch = try #require(await buffer.nextBatch(BatchLimits(maxEvents: 4, maxWait: .seconds(3600))))
            #expect(batch.events == 4)
            _ = try await buffer.append(BufferItem(Self.logs("y", 1)), ifBlocked: .wait)
            await buffer.closeLog()
        }
        let reopened = try Self.open(directory.path)
        #expect(reopened.stats.events == 5, "replayed backlog is visible before anything is read")
        let batch = try #require(await reopened.nextBatch(BatchLimits(maxEvents: 100, maxWait: .seconds(3600))))
        #expect(Self.bodies(batch.batches) == ["w-0", "x-0", "x-1", "x-2", "y-0"])
        await reopened.closeLog()
    }

    @Test("a restart replays exactly the records not acknowledged")
    func restartReplaysUnacknowledged() async throws {
        let directory = try TemporaryDirectory("disk-buffer")
        do {
            let buffer = try Self.open(directory.path)
            for index in 0..<5 { _ = try await buffer.append(BufferItem(Self.logs("r\(index)", 2)), ifBlocked: .wait) }
            let first = try #require(await buffer.nextBatch(BatchLimits(maxEvents: 4, maxWait: .zero)))
            #expect(Self.bodies(first.batches) == ["r0-0", "r0-1", "r1-0", "r1-1"])
            buffer.complete(first, delivered: true)
            // Taken but never completed: must come back.
            let second = try #require(await buffer.nextBatch(BatchLimits(maxEvents: 2, maxWait: .zero)))
            #expect(Self.bodies(second.batches) == ["r2-0", "r2-1"])
            await buffer.closeLog()
        }
        let reopened = try Self.open(directory.path)
        #expect(reopened.recovery.isClean && reopened.recovery.replayableRecords == 3 && reopened.recovery.acknowledged == 2)
        #expect(reopened.stats.events == 6)
        let batch = try #require(await reopened.nextBatch(BatchLimits(maxWait: .zero)))
        #expect(Self.bodies(batch.batches) == ["r2-0", "r2-1", "r3-0", "r3-1", "r4-0", "r4-1"])
        reopened.complete(batch, delivered: true)
        await reopened.close()  // drained: syncs and closes the log, releasing the directory
        let again = try Self.open(directory.path)
        #expect(again.stats.events == 0 && again.recovery.replayableRecords == 0)
        await again.close()
    }

    @Test("out-of-order completion acknowledges only the contiguous prefix")
    func outOfOrderCompletion() async throws {
        let directory = try TemporaryDirectory("disk-buffer")
        do {
            let buffer = try Self.open(directory.path)
            for index in 0..<4 { _ = try await buffer.append(BufferItem(Self.logs("o\(index)", 1)), ifBlocked: .wait) }
            let single = BatchLimits(maxEvents: 1, maxWait: .zero)
            var batches: [BufferedBatch] = []
            for _ in 0..<4 { batches.append(try #require(await buffer.nextBatch(single))) }
            #expect(batches.map { Self.bodies($0.batches) } == [["o0-0"], ["o1-0"], ["o2-0"], ["o3-0"]])
            buffer.complete(batches[2], delivered: true)
            buffer.complete(batches[1], delivered: false)
            await Self.settle(buffer)
            #expect(buffer.log.state.acknowledged == 0)
            #expect(buffer.stats.events == 2, "completed records no longer count, acknowledged or not")
            buffer.complete(batches[0], delivered: true)
            await Self.settle(buffer)
            #expect(buffer.log.state.acknowledged == 3)
            await buffer.closeLog()
        }
        let reopened = try Self.open(directory.path)
        let batch = try #require(await reopened.nextBatch(BatchLimits(maxWait: .zero)))
        #expect(Self.bodies(batch.batches) == ["o3-0"])
        await reopened.closeLog()
    }

    @Test("a record larger than the batch limits is split; its position is acknowledged after every piece")
    func splitRecord() async throws {
        let directory = try TemporaryDirectory("disk-buffer")
        let buffer = try Self.open(directory.path)
        _ = try await buffer.append(BufferItem(Self.logs("s", 10)), ifBlocked: .wait)
        _ = try await buffer.append(BufferItem(Self.logs("t", 1)), ifBlocked: .wait)
        let limits = BatchLimits(maxEvents: 4, maxWait: .zero)
        var pieces: [BufferedBatch] = []
        for _ in 0..<4 { pieces.append(try #require(await buffer.nextBatch(limits))) }
        #expect(pieces.map(\.events) == [4, 4, 2, 1])
        #expect(Self.bodies(pieces.flatMap(\.batches)) == (0..<10).map { "s-\($0)" } + ["t-0"])
        buffer.complete(pieces[3], delivered: true)
        buffer.complete(pieces[0], delivered: true)
        buffer.complete(pieces[2], delivered: true)
        await Self.settle(buffer)
        #expect(buffer.log.state.acknowledged == 0)
        buffer.complete(pieces[1], delivered: true)
        await Self.settle(buffer)
        #expect(buffer.log.state.acknowledged == 2 && buffer.stats.events == 0)
        await buffer.close()
    }

    @Test("close stops intake, nextBatch drains what is on disk, then returns nil")
    func closeDrains() async throws {
        let directory = try TemporaryDirectory("disk-buffer")
        let buffer = try Self.open(directory.path)
        _ = try await buffer.append(BufferItem(Self.logs("c", 2)), ifBlocked: .wait)
        await buffer.close()
        await #expect(throws: BufferError.closed) { try await buffer.append(BufferItem(Self.logs("late", 1)), ifBlocked: .wait) }
        // Closed: due at once whatever max_wait says.
        let batch = try #require(await buffer.nextBatch(BatchLimits(maxWait: .seconds(3600))))
        #expect(batch.events == 2)
        #expect(await buffer.nextBatch(BatchLimits()) == nil)
        buffer.complete(batch, delivered: true)
        await Self.settle(buffer)
        // The drained buffer closed its log: the directory can be opened again.
        let reopened = try Self.open(directory.path)
        #expect(reopened.stats.events == 0)
        await reopened.close()
    }

    @Test("a waiting nextBatch wakes on append")
    func wakesOnAppend() async throws {
        let directory = try TemporaryDirectory("disk-buffer")
        let buffer = try Self.open(directory.path)
        let waiter = Task { await buffer.nextBatch(BatchLimits(maxWait: .zero)) }
        _ = try await buffer.append(BufferItem(Self.logs("late", 1)), ifBlocked: .wait)
        let batch = try #require(await waiter.value)
        #expect(Self.bodies(batch.batches) == ["late-0"])
        buffer.complete(batch, delivered: true)
        await buffer.close()
    }

    @Test("a delivery batch holds one signal: logs, metrics, logs are three batches, also after a restart")
    func oneSignalPerBatch() async throws {
        let directory = try TemporaryDirectory("disk-buffer-signals")
        let metrics = TelemetryBatch.metrics(MetricBatch(
            families: [MetricFamily(name: "up", help: "", kind: .gauge, samples: [MetricSample(labels: [:], value: 1)])],
            timestamp: Timestamp(nanosecondsSinceEpoch: 1)))
        do {
            let buffer = try Self.open(directory.path)
            for batch in [Self.logs("a", 2), metrics, Self.logs("b", 1)] {
                #expect(try await buffer.append(BufferItem(batch), ifBlocked: .wait) == .accepted)
            }
            let taken = await Self.drain(buffer)
            #expect(taken.map { $0.batches.map(\.signal) } == [[.logs], [.metrics], [.logs]])
            await buffer.close()
        }
        let reopened = try Self.open(directory.path)
        let replayed = await Self.drain(reopened)
        #expect(replayed.map { $0.batches.map(\.signal) } == [[.logs], [.metrics], [.logs]])
        await reopened.close()
    }
}
