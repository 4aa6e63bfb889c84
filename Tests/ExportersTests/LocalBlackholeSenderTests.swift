import Testing
import Telemetry
@testable import Exporters

@Suite("Local: blackhole sender")
struct LocalBlackholeSenderTests {
    static let batches = [JSONGoldenTests.logs, JSONGoldenTests.metrics, JSONGoldenTests.spans]
    static let events = batches.reduce(0) { $0 + $1.eventCount }

    @Test("counts batches, events and estimated bytes; always delivered")
    func counts() async {
        let sender = BlackholeSender()
        #expect(await sender.send(Self.batches) == .delivered)
        #expect(await sender.send([.logs([])]) == .delivered)
        let counts = sender.counts
        #expect(counts.batches == 2 && counts.events == Self.events)
        #expect(counts.bytes == Self.batches.reduce(0) { $0 + $1.estimatedBytes } + TelemetryBatch.logs([]).estimatedBytes)
    }

    @Test("with an encoder, counts the bytes it would have sent; concurrent sends all count")
    func encodedBytes() async throws {
        let sender = BlackholeSender(encoder: JSONLinesEncoder())
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<16 {
                group.addTask { #expect(await sender.send(Self.batches) == .delivered) }
            }
        }
        let size = try JSONLinesEncoder().encode(Self.batches).count
        #expect(sender.counts.batches == 16 && sender.counts.events == 16 * Self.events && sender.counts.bytes == 16 * size)
    }
}
