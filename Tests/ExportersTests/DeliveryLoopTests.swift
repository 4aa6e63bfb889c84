import Pipeline
import Synchronization
import Telemetry
import TestSupport
import Testing
@testable import Exporters

/// The loop's bookkeeping with a scripted sender (no network): what it does with each
/// outcome, how it counts, and what it reports.
@Suite("Delivery: loop with a scripted sender", .timeLimit(.minutes(1)))
struct DeliveryLoopTests {
    /// Answers attempts from a script, then `.delivered`; records the batches' sizes.
    final class ScriptedSender: ExportSender {
        private let script: Mutex<[SendAttempt]>
        private let sizes = Mutex<[Int]>([])

        init(_ script: [SendAttempt]) {
            self.script = Mutex(script)
        }

        var attempts: [Int] { sizes.withLock { $0 } }

        func send(_ batches: [TelemetryBatch]) async -> SendOutcome {
            await attempt(batches).outcome
        }

        func attempt(_ batches: [TelemetryBatch]) async -> SendAttempt {
            sizes.withLock { $0.append(batches.reduce(0) { $0 + $1.eventCount }) }
            return script.withLock { $0.isEmpty ? SendAttempt(.delivered) : $0.removeFirst() }
        }
    }

    /// Holds every attempt until released, so a test can see how many run at once.
    final class GatedSender: ExportSender {
        private let state = Mutex<(inFlight: Int, peak: Int, released: Bool)>((0, 0, false))

        var inFlight: Int { state.withLock { $0.inFlight } }
        var peak: Int { state.withLock { $0.peak } }
        func release() { state.withLock { $0.released = true } }

        func send(_ batches: [TelemetryBatch]) async -> SendOutcome {
            state.withLock { state in
                state.inFlight += 1
                state.peak = max(state.peak, state.inFlight)
            }
            while !state.withLock({ $0.released }) && !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(5))
            }
            state.withLock { $0.inFlight -= 1 }
            return .delivered
        }
    }

    @Test("exactly `concurrency` batches in flight while the backend holds them")
    func concurrencyFilled() async throws {
        let buffer = try await Harness.filledBuffer(events: 100, perItem: 10)
        await buffer.close()
        let sender = GatedSender()
        let limits = BatchLimits(maxEvents: 10, maxBytes: 1 << 20, maxWait: .zero)
        let running = Task { await Harness.loop(buffer, sender, limits: limits, concurrency: 3).run() }
        #expect(await eventually { sender.inFlight == 3 })
        // A fourth would have started by now if the loop allowed it; it can only show up, not flake.
        try await Task.sleep(for: .milliseconds(100))
        #expect(sender.peak == 3)
        sender.release()
        await running.value
        #expect(sender.peak == 3 && buffer.stats.events == 0)
    }

    @Test("bytes come from the sender when it measures them, else from the buffer's estimate")
    func sentBytes() async throws {
        let measured = try await Harness.filledBuffer(events: 10)
        await measured.close()
        let stats = ExporterStats()
        await Harness.loop(measured, ScriptedSender([SendAttempt(.delivered, bytes: 1234)]), stats: stats).run()
        #expect(stats.sentBytes == 1234 && stats.sentEvents == 10)

        let estimated = try await Harness.filledBuffer(events: 10)
        let size = Harness.logs(0..<10).estimatedBytes
        await estimated.close()
        let estimate = ExporterStats()
        await Harness.loop(estimated, BlackholeSender(), stats: estimate).run()
        #expect(estimate.sentBytes == UInt64(size))
    }

    @Test("an outage is logged when it starts and when it ends, not per attempt")
    func outageLogging() async throws {
        let buffer = try await Harness.filledBuffer(events: 10)
        await buffer.close()
        let failing = SendAttempt(.retryable(reason: "503 Service Unavailable"))
        let logs = LogCapture()
        let stats = ExporterStats()
        let clock = ManualTiming()
        await Harness.loop(
            buffer, ScriptedSender([failing, failing, failing]), stats: stats, logger: logs.logger, timing: clock.timing
        ).run()
        #expect(logs.messages(.warning) == ["exporter test: delivery failing, retrying: 503 Service Unavailable"])
        #expect(logs.messages(.info) == ["exporter test: backend accepts data again"])
        #expect(stats.retries == 3 && stats.lastError == nil)
    }

    @Test("a permanent outcome of one batch does not stop the others")
    func permanentThenDelivered() async throws {
        let buffer = try await Harness.filledBuffer(events: 100)
        await buffer.close()
        let limits = BatchLimits(maxEvents: 50, maxBytes: 1 << 20, maxWait: .zero)
        let sender = ScriptedSender([SendAttempt(.permanent(reason: "cannot encode"))])
        let stats = ExporterStats()
        await Harness.loop(buffer, sender, limits: limits, concurrency: 1, stats: stats).run()
        #expect(sender.attempts == [50, 50])
        #expect(buffer.stats.dropped[DropReason.permanentError] == 50)
        #expect(stats.sentEvents == 50)
    }

    @Test("the stats read out as /metrics families and a /status summary")
    func families() async throws {
        let buffer = try await Harness.filledBuffer(events: 10)
        await buffer.close()
        let stats = ExporterStats()
        let clock = ManualTiming()
        let script = [SendAttempt(.retryable(reason: "timeout")), SendAttempt(.delivered, bytes: 99)]
        await Harness.loop(buffer, ScriptedSender(script), stats: stats, timing: clock.timing).run()

        let families = ExporterStatsFamilies.families([("collector", stats)])
        func value(_ name: String, _ labels: Labels) -> Double? {
            families.first { $0.name == name }?.samples.first { $0.labels == labels }?.value
        }
        #expect(value("outrider_exporter_sent_events_total", ["exporter": "collector"]) == 10)
        #expect(value("outrider_exporter_sent_bytes_total", ["exporter": "collector"]) == 99)
        #expect(value("outrider_exporter_requests_total", ["exporter": "collector", "result": "retryable"]) == 1)
        #expect(value("outrider_exporter_requests_total", ["exporter": "collector", "result": "success"]) == 1)
        #expect(value("outrider_exporter_requests_total", ["exporter": "collector", "result": "permanent"]) == 0)
        #expect(value("outrider_exporter_retries_total", ["exporter": "collector"]) == 1)
        #expect(families.allSatisfy { $0.kind == .counter && $0.name.hasSuffix("_total") })
        #expect(stats.sendDurations.snapshot.count == 2)

        let summary = ExporterStatsFamilies.summary(stats)
        #expect(summary.events == 10 && summary.bytes == 99 && summary.retries == 1 && summary.lastError == nil)
    }
}
