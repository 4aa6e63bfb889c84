import Pipeline
import Synchronization
import Telemetry
import Testing
@testable import Exporters

@Suite("OTLP/HTTP: one sender per signal, and what the loop does with rejected items", .timeLimit(.minutes(1)))
struct OTLPSignalRouterTests {
    /// Answers with a fixed attempt; records the signals and event counts it was given.
    final class FixedSender: ExportSender {
        let answer: SendAttempt
        private let seen = Mutex<[[Signal]]>([])

        init(_ answer: SendAttempt) {
            self.answer = answer
        }

        var calls: [[Signal]] { seen.withLock { $0 } }

        func send(_ batches: [TelemetryBatch]) async -> SendOutcome {
            await attempt(batches).outcome
        }

        func attempt(_ batches: [TelemetryBatch]) async -> SendAttempt {
            seen.withLock { $0.append(batches.map(\.signal)) }
            return answer
        }
    }

    static let logs = Harness.logs(0..<4)
    static let spans = TelemetryBatch.spans([OTLPExportSamples.spans.removingAllButFirst()])
    static let metrics = OTLPExportSamples.metrics

    @Test("a batch of one signal goes to that signal's sender only, its outcome and size unchanged")
    func singleSignal() async {
        let logs = FixedSender(SendAttempt(.partiallyDelivered(rejected: 1, reason: "x"), bytes: 10))
        let traces = FixedSender(SendAttempt(.delivered, bytes: 20))
        let router = SignalRouter([.logs: logs, .traces: traces])
        #expect(await router.attempt([Self.logs, Self.logs]) == SendAttempt(.partiallyDelivered(rejected: 1, reason: "x"), bytes: 10))
        #expect(logs.calls == [[.logs, .logs]] && traces.calls.isEmpty)
        #expect(await router.attempt([]) == SendAttempt(.delivered, bytes: 0))
        #expect(await router.attempt([Self.metrics]) == SendAttempt(.permanent(reason: "this exporter has no metrics endpoint")))
    }

    @Test("a mixed batch is sent signal by signal; what one signal's backend refused counts as rejected")
    func mixed() async {
        let logs = FixedSender(SendAttempt(.delivered, bytes: 10))
        let metrics = FixedSender(SendAttempt(.permanent(reason: "400 Bad Request"), bytes: 5))
        let traces = FixedSender(SendAttempt(.partiallyDelivered(rejected: 1, reason: "bad span"), bytes: 7))
        let router = SignalRouter([.logs: logs, .metrics: metrics, .traces: traces])
        let attempt = await router.attempt([Self.spans, Self.logs, Self.metrics, Self.logs])
        #expect(logs.calls == [[.logs, .logs]] && metrics.calls == [[.metrics]] && traces.calls == [[.traces]])
        #expect(attempt == SendAttempt(
            .partiallyDelivered(rejected: Self.metrics.eventCount + 1, reason: "metrics: 400 Bad Request; traces: bad span"),
            bytes: 22))
    }

    @Test("one signal's server cannot reject more than its own part: the other parts stay delivered")
    func rejectedCappedPerPart() async {
        let logs = FixedSender(SendAttempt(.partiallyDelivered(rejected: 1_000, reason: "all wrong"), bytes: 10))
        let traces = FixedSender(SendAttempt(.delivered, bytes: 7))
        let attempt = await SignalRouter([.logs: logs, .traces: traces]).attempt([Self.logs, Self.spans])
        #expect(Self.logs.eventCount == 4 && Self.spans.eventCount == 1)
        #expect(attempt == SendAttempt(.partiallyDelivered(rejected: 4, reason: "logs: all wrong"), bytes: 17))
    }

    @Test("in a mixed batch, a retryable part retries the whole batch; all parts refused is permanent")
    func mixedFailures() async {
        let delivered = FixedSender(SendAttempt(.delivered, bytes: 1))
        let busy = FixedSender(SendAttempt(.retryable(reason: "503", retryAfter: .seconds(2)), bytes: 1))
        let retried = await SignalRouter([.logs: delivered, .traces: busy]).attempt([Self.logs, Self.spans])
        #expect(retried == SendAttempt(.retryable(reason: "503", retryAfter: .seconds(2))))

        let refused = FixedSender(SendAttempt(.permanent(reason: "401"), bytes: 1))
        let permanent = await SignalRouter([.logs: refused, .traces: refused]).attempt([Self.logs, Self.spans])
        #expect(permanent == SendAttempt(.permanent(reason: "logs: 401; traces: 401"), bytes: 2))
    }

    @Test("the loop counts rejected events as dropped (reason rejected), the rest as sent, and logs the server's message")
    func loopCountsRejected() async throws {
        let tally = AcknowledgementTally()
        let buffer = try await Harness.filledBuffer(events: 10, perItem: 10, tally: tally)
        await buffer.close()
        let logs = LogCapture()
        let stats = ExporterStats()
        let sender = DeliveryLoopTests.ScriptedSender([
            SendAttempt(.partiallyDelivered(rejected: 3, reason: "server rejected 3 log records: invalid trace id"), bytes: 500)
        ])
        await Harness.loop(buffer, sender, stats: stats, logger: logs.logger).run()
        #expect(sender.attempts == [10], "not retried")
        #expect(buffer.stats.dropped[DropReason.rejected] == 3)
        #expect(stats.sentEvents == 7 && stats.sentBytes == 500 && stats.requests[ExporterStats.success] == 1)
        #expect(logs.messages(.warning) == ["exporter test: backend rejected 3 of 10 events: server rejected 3 log records: invalid trace id"])
        #expect(tally[.delivered] == 1 && tally.total == 1)
    }

    @Test("a server claiming more rejections than the batch had cannot drop more than the batch")
    func rejectedBeyondTheBatch() async throws {
        let buffer = try await Harness.filledBuffer(events: 5, perItem: 5)
        await buffer.close()
        let stats = ExporterStats()
        await Harness.loop(buffer, DeliveryLoopTests.ScriptedSender([SendAttempt(.partiallyDelivered(rejected: 99, reason: "?"))]),
                           stats: stats).run()
        #expect(buffer.stats.dropped[DropReason.rejected] == 5 && stats.sentEvents == 0)
    }
}

extension TelemetryBatch {
    /// The first span only, for a small traces batch.
    fileprivate func removingAllButFirst() -> Span {
        guard case .spans(let spans) = payload else { preconditionFailure("not spans") }
        return spans[0]
    }
}
