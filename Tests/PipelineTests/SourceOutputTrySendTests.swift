import Synchronization
import Telemetry
import Testing
import TestSupport
@testable import Pipeline

/// `trySend`, the OTLP receiver's way in: all of a request or nothing, never a wait, and no
/// processor sees a request that is refused.
@Suite("SourceOutput: trySend", .timeLimit(.minutes(1)))
struct SourceOutputTrySendTests {
    typealias Probe = AcknowledgementTests.Probe
    static let now = Timestamp(nanosecondsSinceEpoch: 1_700_000_000_000_000_000)

    /// One OTLP request's resources: `resources` batches of `spansEach` spans, named `r<i>-s<j>`.
    static func request(resources: Int, spansEach: Int = 1, tag: String = "r") -> [TelemetryBatch] {
        (0..<resources).map { r in
            .spans((0..<spansEach).map { s in
                Span(
                    traceID: TraceID(high: 1, low: UInt64(r)), spanID: SpanID(UInt64(r * 100 + s + 1)), name: "\(tag)\(r)-s\(s)",
                    start: now, end: now)
            }, resource: Resource(attributes: ["service.name": .string("svc-\(r)")]))
        }
    }

    static func names(_ batches: [TelemetryBatch]) -> [String] {
        batches.flatMap { batch -> [String] in
            guard case .spans(let spans) = batch.payload else { return [] }
            return spans.map(\.name)
        }
    }

    /// Runs `body` in a task and gives its result if it returns within a few seconds, nil
    /// (after cancelling it) if it is still waiting then.
    static func promptly<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T? {
        let latch = MemoryBufferTests.Latch()
        let task = Task {
            defer { latch.set() }
            return try await body()
        }
        // Bounded, not timed: waiting for room would never end; a loaded CI run needs seconds.
        guard await eventually(within: 20, { latch.isSet }) else {
            task.cancel()
            return nil
        }
        return try await task.value
    }

    /// Every span queued in `buffer`, taken out and completed as delivered.
    static func drain(_ buffer: any TelemetryBuffer) async -> [TelemetryBatch] {
        var batches: [TelemetryBatch] = []
        while buffer.stats.events > 0, let taken = await buffer.nextBatch(BatchLimits(maxEvents: .max, maxWait: .zero)) {
            batches += taken.batches
            buffer.complete(taken, delivered: true)
        }
        return batches
    }

    @Test("a tailer waiting on the same block buffer: trySend answers at once — .full with no processor run, then all three resources")
    func besideAWaitingTailer() async throws {
        let buffer = MemoryBuffer(maxBytes: 64 << 20, maxEvents: 10, whenFull: .block)
        let sample = SampleProcessor(name: "head", ratio: 1)
        let output = SourceOutput(routes: [.init(pipeline: "traces", signal: .traces, processors: [sample], buffers: [buffer])])
        _ = try await buffer.append(BufferItem(Self.request(resources: 1, spansEach: 8, tag: "prefill")[0]), ifBlocked: .refuse)
        let tailer = Task { try await output.send(Self.request(resources: 1, spansEach: 5, tag: "tailer")[0]) }
        // The tailer's processors ran; it now waits for room.
        #expect(await eventually { sample.sampled.total == 5 })

        let refused = Probe()
        let first = try await Self.promptly { try await output.trySend(Self.request(resources: 3), acknowledgement: refused.acknowledgement()) }
        #expect(first == .full)
        #expect(sample.sampled.total == 5, "a refused request's spans were not counted by the sampler (its retry will be)")
        #expect(buffer.stats.events == 8)
        #expect(refused.calls.isEmpty, "the caller keeps its acknowledgement")

        let prefill = try #require(await buffer.nextBatch(BatchLimits(maxEvents: 8, maxWait: .zero)))
        buffer.complete(prefill, delivered: true)
        try await tailer.value
        let second = try await Self.promptly { try await output.trySend(Self.request(resources: 3)) }
        #expect(second == .accepted)
        #expect(sample.sampled.total == 8)
        #expect(Self.names(await Self.drain(buffer)) == ["tailer0-s0", "tailer0-s1", "tailer0-s2", "tailer0-s3", "tailer0-s4", "r0-s0", "r1-s0", "r2-s0"])
    }

    /// A block buffer into which a "tailer" appends, right after `trySend` checked its room,
    /// exactly what room was left: the interleaving `trySend` must get through.
    final class RacedBuffer: TelemetryBuffer {
        let inner: any TelemetryBuffer
        let room: Int
        private let raced = Mutex(false)

        init(_ inner: any TelemetryBuffer, room: Int) {
            self.inner = inner
            self.room = room
        }

        var whenFull: WhenFull { inner.whenFull }
        var stats: BufferStats { inner.stats }
        func hasRoom(events: Int, bytes: Int) throws(BufferError) -> Bool { try inner.hasRoom(events: events, bytes: bytes) }
        func nextBatch(_ limits: BatchLimits) async -> BufferedBatch? { await inner.nextBatch(limits) }
        func complete(_ batch: BufferedBatch, delivered: Bool) { inner.complete(batch, delivered: delivered) }
        func close() async { await inner.close() }

        func append(_ item: BufferItem, ifBlocked: BlockedAppend) async throws(BufferError) -> AppendResult {
            if !raced.withLock({ (raced: inout Bool) -> Bool in defer { raced = true }; return raced }) {
                let tailer = SourceOutputTrySendTests.request(resources: 1, spansEach: room, tag: "tailer")[0]
                guard try await inner.append(BufferItem(tailer), ifBlocked: .refuse) == .accepted else { throw .cancelled }
            }
            return try await inner.append(item, ifBlocked: ifBlocked)
        }
    }

    @Test("room taken between trySend's check and its appends: it neither waits nor sends half; the buffer passes its bound by the request",
          arguments: ["memory", "disk"])
    func roomTakenMeanwhile(kind: String) async throws {
        let directory = try TemporaryDirectory("try-send")
        let inner: any TelemetryBuffer = kind == "memory"
            ? MemoryBuffer(maxBytes: 64 << 20, maxEvents: 10, whenFull: .block)
            : try DiskBufferTests.open(directory.path, maxEvents: 10, whenFull: .block)
        _ = try await inner.append(BufferItem(Self.request(resources: 1, spansEach: 6, tag: "prefill")[0]), ifBlocked: .refuse)
        let buffer = RacedBuffer(inner, room: 4)
        let output = SourceOutput(routes: [.init(pipeline: "traces", signal: .traces, processors: [], buffers: [buffer])])
        let probe = Probe()
        let result = try await Self.promptly { try await output.trySend(Self.request(resources: 3), acknowledgement: probe.acknowledgement()) }
        #expect(result == .accepted, "trySend waited for room it had been told was there")
        #expect(buffer.stats.events == 13, "6 + the tailer's 4 + all 3 of the request")
        let names = Self.names(await Self.drain(buffer))
        #expect(names.suffix(3) == ["r0-s0", "r1-s0", "r2-s0"])
        #expect(names.count == 13)
        #expect(await eventually { probe.calls == [.delivered] })
        if let disk = inner as? DiskBuffer { await disk.closeLog() }
    }

    @Test("a closed buffer among full ones: trySend throws .closed (shutdown, not full) before any processor runs")
    func closedBeforeFull() async throws {
        let full = MemoryBuffer(maxBytes: 64 << 20, maxEvents: 1, whenFull: .block)
        _ = try await full.append(BufferItem(Self.request(resources: 1)[0]), ifBlocked: .refuse)
        let closed = MemoryBuffer(maxBytes: 64 << 20, whenFull: .dropNewest)
        await closed.close()
        let sample = SampleProcessor(name: "head", ratio: 1)
        let output = SourceOutput(routes: [
            .init(pipeline: "traces/a", signal: .traces, processors: [sample], buffers: [full]),
            .init(pipeline: "traces/b", signal: .traces, processors: [sample], buffers: [closed]),
        ])
        let probe = Probe()
        await #expect(throws: BufferError.closed) { try await output.trySend(Self.request(resources: 2), acknowledgement: probe.acknowledgement()) }
        #expect(sample.sampled.total == 0)
        #expect(probe.calls.isEmpty)
        #expect(full.stats.events == 1)
    }

    @Test("an empty disk buffer takes a request estimated above max_size, past its cap, whole; a non-empty one refuses the next")
    func oversizedIntoEmptyDiskBuffer() async throws {
        let directory = try TemporaryDirectory("try-send")
        let maxBytes = 64 << 10
        let disk = try DiskBufferTests.open(directory.path, maxBytes: maxBytes, whenFull: .block, segmentBytes: 16 << 10)
        let output = SourceOutput(routes: [.init(pipeline: "traces", signal: .traces, processors: [], buffers: [disk])])
        let request = Self.request(resources: 3, spansEach: 600)
        #expect(request.reduce(0) { $0 + $1.estimatedBytes } > maxBytes)
        #expect(try await output.trySend(request) == .accepted)
        #expect(disk.log.state.pendingBytes > maxBytes, "the log passed its cap for this one request")
        #expect(disk.stats.dropped.total == 0)
        #expect(try await output.trySend(Self.request(resources: 1)) == .full)

        let delivered = Self.names(await Self.drain(disk))
        #expect(delivered == Self.names(request))
        #expect(try await output.trySend(Self.request(resources: 1)) == .accepted, "empty again")
        await disk.closeLog()
        #expect(throws: BufferError.closed) { try disk.hasRoom(events: 1, bytes: 1) }
    }

    @Test("an empty disk buffer takes a tailer's batch larger than max_size too, rather than dropping it")
    func oversizedSendIntoEmptyDiskBuffer() async throws {
        let directory = try TemporaryDirectory("try-send")
        let disk = try DiskBufferTests.open(directory.path, maxBytes: 64 << 10, whenFull: .block, segmentBytes: 16 << 10)
        let output = SourceOutput(routes: [.init(pipeline: "traces", signal: .traces, processors: [], buffers: [disk])])
        let batch = Self.request(resources: 1, spansEach: 2000)[0]
        let sent = try await Self.promptly { () async throws -> Bool in
            try await output.send(batch)
            return true
        }
        #expect(sent == true, "send waited on an empty buffer")
        #expect(disk.log.state.pendingBytes > 64 << 10, "the log passed its cap for this one batch")
        #expect(disk.stats.dropped.total == 0)
        #expect(Self.names(await Self.drain(disk)) == Self.names([batch]))
        await disk.closeLog()
    }
}
