import Telemetry
import Testing
import TestSupport
@testable import Pipeline

@Suite("SourceOutput", .timeLimit(.minutes(1)))
struct SourceOutputTests {
    typealias Probe = AcknowledgementTests.Probe
    static let immediately = MemoryBufferTests.immediately

    static func logs(_ count: Int, from first: Int = 0, resource: Resource = Resource()) -> TelemetryBatch {
        var batch = MemoryBufferTests.logs(count, from: first)
        batch.resource = resource
        return batch
    }

    /// Adds `key: value` to every log record: shows which route's processors ran, and in what order.
    struct Tag: Processor {
        let name: String
        let key: String
        let value: String

        func process(_ batch: inout TelemetryBatch) {
            guard case .logs(var records) = batch.payload else { return }
            for index in records.indices {
                let previous = records[index].attributes[key]?.stringValue ?? ""
                records[index].attributes[key] = .string(previous + value)
            }
            batch.payload = .logs(records)
        }
    }

    static func taken(_ buffer: MemoryBuffer) async throws -> BufferedBatch {
        try #require(await buffer.nextBatch(immediately))
    }

    static func records(_ batch: BufferedBatch) -> [LogRecord] {
        batch.batches.flatMap { part -> [LogRecord] in
            guard case .logs(let records) = part.payload else { return [] }
            return records
        }
    }

    @Test("fans out to every buffer of the route; acknowledged once all of them delivered")
    func fanOut() async throws {
        let (a, b) = (MemoryBuffer(maxBytes: 1 << 20, whenFull: .block), MemoryBuffer(maxBytes: 1 << 20, whenFull: .block))
        let output = SourceOutput(routes: [.init(pipeline: "logs", signal: .logs, processors: [], buffers: [a, b])])
        let probe = Probe()
        try await output.send(Self.logs(3), acknowledgement: probe.acknowledgement())
        let fromA = try await Self.taken(a)
        let fromB = try await Self.taken(b)
        #expect(fromA.events == 3 && fromB.events == 3)
        a.complete(fromA, delivered: true)
        #expect(probe.calls.isEmpty, "b has not delivered yet")
        b.complete(fromB, delivered: true)
        #expect(probe.calls == [.delivered])
    }

    @Test("each route runs its own processors, in order, on its own copy; other signals' routes are skipped")
    func processorChains() async throws {
        let (a, b, metrics) = (
            MemoryBuffer(maxBytes: 1 << 20, whenFull: .block), MemoryBuffer(maxBytes: 1 << 20, whenFull: .block),
            MemoryBuffer(maxBytes: 1 << 20, whenFull: .block)
        )
        let output = SourceOutput(routes: [
            .init(
                pipeline: "logs/a", signal: .logs,
                processors: [Tag(name: "one", key: "k", value: "1"), Tag(name: "two", key: "k", value: "2")], buffers: [a]),
            .init(pipeline: "logs/b", signal: .logs, processors: [Tag(name: "three", key: "k", value: "3")], buffers: [b]),
            .init(pipeline: "metrics", signal: .metrics, processors: [], buffers: [metrics]),
        ])
        #expect(output.accepts(.logs) && output.accepts(.metrics) && !output.accepts(.traces))
        try await output.send(Self.logs(2))
        #expect(try await Self.records(Self.taken(a)).map { $0.attributes["k"] } == ["12", "12"])
        #expect(try await Self.records(Self.taken(b)).map { $0.attributes["k"] } == ["3", "3"])
        #expect(metrics.stats.events == 0)
    }

    @Test("a batch filtered to nothing is not buffered, and is acknowledged as delivered at once")
    func filteredToEmpty() async throws {
        let (kept, filtered) = (MemoryBuffer(maxBytes: 1 << 20, whenFull: .block), MemoryBuffer(maxBytes: 1 << 20, whenFull: .block))
        let dropDebug = FilterProcessor(name: "f", minSeverity: .info, dropUnspecified: true)
        let output = SourceOutput(routes: [
            .init(pipeline: "logs/all", signal: .logs, processors: [], buffers: [kept]),
            .init(pipeline: "logs/important", signal: .logs, processors: [dropDebug], buffers: [filtered]),
        ])
        let onlyFiltered = SourceOutput(routes: [.init(pipeline: "logs", signal: .logs, processors: [dropDebug], buffers: [filtered])])

        let alone = Probe()
        try await onlyFiltered.send(Self.logs(2), acknowledgement: alone.acknowledgement())
        #expect(alone.calls == [.delivered])
        #expect(filtered.stats.events == 0)

        let both = Probe()
        try await output.send(Self.logs(2), acknowledgement: both.acknowledgement())
        #expect(filtered.stats.events == 0)
        #expect(kept.stats.events == 2)
        #expect(both.calls.isEmpty, "waits only for the buffer that got the batch")
        kept.complete(try await Self.taken(kept), delivered: true)
        #expect(both.calls == [.delivered])
        #expect(dropDebug.dropped["severity"] == 4)
    }

    @Test("trySend is all-or-nothing: one full block buffer refuses the batch for every buffer")
    func trySendAllOrNothing() async throws {
        let roomy = MemoryBuffer(maxBytes: 1 << 20, whenFull: .block)
        let full = MemoryBuffer(maxBytes: 1 << 20, maxEvents: 2, whenFull: .block)
        let dropping = MemoryBuffer(maxBytes: 1 << 20, maxEvents: 2, whenFull: .dropNewest)
        _ = try await full.append(BufferItem(Self.logs(2)), ifBlocked: .refuse)
        _ = try await dropping.append(BufferItem(Self.logs(2)), ifBlocked: .refuse)
        let output = SourceOutput(routes: [
            .init(pipeline: "logs/a", signal: .logs, processors: [], buffers: [roomy, dropping]),
            .init(pipeline: "logs/b", signal: .logs, processors: [], buffers: [full]),
        ])
        let refused = Probe()
        #expect(try await output.trySend(Self.logs(1), acknowledgement: refused.acknowledgement()) == .full)
        #expect(roomy.stats.events == 0, "nothing was sent anywhere")
        #expect(dropping.stats.dropped.total == 0)
        #expect(refused.calls.isEmpty, "the caller still holds its acknowledgement and answers 503")

        // Room in the block buffer: accepted; the full drop_newest buffer drops its copy and says so.
        full.complete(try await Self.taken(full), delivered: true)
        let accepted = Probe()
        #expect(try await output.trySend(Self.logs(1), acknowledgement: accepted.acknowledgement()) == .accepted)
        #expect(roomy.stats.events == 1 && full.stats.events == 1)
        #expect(dropping.stats.dropped[BufferStats.droppedFull] == 1)
        roomy.complete(try await Self.taken(roomy), delivered: true)
        full.complete(try await Self.taken(full), delivered: true)
        #expect(accepted.calls == [.dropped], "one exporter's copy was dropped")
    }

    @Test("trySend never waits when two routes lead to the same block buffer and only one copy fits")
    func trySendSharedBuffer() async throws {
        let shared = MemoryBuffer(maxBytes: 1 << 20, maxEvents: 4, whenFull: .block)
        _ = try await shared.append(BufferItem(Self.logs(1)), ifBlocked: .refuse)
        let output = SourceOutput(routes: [
            .init(pipeline: "logs/a", signal: .logs, processors: [], buffers: [shared]),
            .init(pipeline: "logs/b", signal: .logs, processors: [Tag(name: "t", key: "k", value: "v")], buffers: [shared]),
        ])
        let latch = MemoryBufferTests.Latch()
        let sender = Task {
            defer { latch.set() }
            return try await output.trySend(Self.logs(2))
        }
        let returned = await eventually(within: 5) { latch.isSet }
        if !returned { sender.cancel() }
        #expect(returned, "trySend waited for room")
        #expect(try await sender.value == .full)
        #expect(shared.stats.events == 1)

        #expect(try await output.trySend(Self.logs(1)) == .accepted, "two copies of one event fit")
        #expect(shared.stats.events == 3)
    }

    @Test("send waits while a block buffer is full and goes through once room is freed")
    func sendWaits() async throws {
        let buffer = MemoryBuffer(maxBytes: 1 << 20, maxEvents: 2, whenFull: .block)
        let output = SourceOutput(routes: [.init(pipeline: "logs", signal: .logs, processors: [], buffers: [buffer])])
        try await output.send(Self.logs(2))
        let sender = Task { try await output.send(Self.logs(1, from: 2)) }
        try await Task.sleep(for: .milliseconds(50))
        #expect(buffer.stats.events == 2, "still waiting")
        buffer.complete(try await Self.taken(buffer), delivered: true)
        try await sender.value
        #expect(Self.records(try await Self.taken(buffer)).map { String(decoding: $0.body, as: UTF8.self) } == ["line 2"])
    }

    @Test("a closed buffer fails the send and the acknowledgement completes as not accepted: the source must not checkpoint past it")
    func closedBuffer() async throws {
        let (open, closed) = (MemoryBuffer(maxBytes: 1 << 20, whenFull: .block), MemoryBuffer(maxBytes: 1 << 20, whenFull: .block))
        await closed.close()
        let output = SourceOutput(routes: [.init(pipeline: "logs", signal: .logs, processors: [], buffers: [open, closed])])
        let probe = Probe()
        await #expect(throws: BufferError.closed) { try await output.send(Self.logs(1), acknowledgement: probe.acknowledgement()) }
        #expect(probe.calls.isEmpty, "the open buffer still holds its part")
        open.complete(try await Self.taken(open), delivered: true)
        #expect(probe.calls == [.notAccepted])
    }

    @Test("service resource attributes are added where the batch does not set the key")
    func resourceAttributes() async throws {
        let buffer = MemoryBuffer(maxBytes: 1 << 20, whenFull: .block)
        let output = SourceOutput(
            routes: [.init(pipeline: "logs", signal: .logs, processors: [], buffers: [buffer])],
            resource: Resource(attributes: ["service.name": "checkout", "deployment.environment": "production"]))
        try await output.send(Self.logs(1, resource: Resource(attributes: ["service.name": "from-sdk"])))
        let batch = try await Self.taken(buffer)
        #expect(batch.batches.first?.resource.attributes == ["service.name": "from-sdk", "deployment.environment": "production"])
    }
}
