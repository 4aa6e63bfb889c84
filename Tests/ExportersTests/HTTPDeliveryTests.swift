import Pipeline
import Telemetry
import TestSink
import TestSupport
import Testing
@testable import Exporters

/// `DeliveryLoop` + `HTTPSender` + `MemoryBuffer` against a real `TestSink` on 127.0.0.1.
/// Backoff runs on virtual time where delays are asserted; real waits are only bounded
/// polls, never asserted durations, so a loaded machine slows these down but cannot fail them.
@Suite("HTTP delivery end to end", .timeLimit(.minutes(2)))
struct HTTPDeliveryTests {
    @Test("every event arrives once: counts, sequence, acknowledgements, stats")
    func allDataArrives() async throws {
        try await Harness.withSink { sink, client in
            let tally = AcknowledgementTally()
            let buffer = try await Harness.filledBuffer(events: 5000, tally: tally)
            await buffer.close()
            let stats = ExporterStats()
            await Harness.loop(buffer, try Harness.sender(client, sink), stats: stats).run()

            let received = sink.stats
            #expect(received.lines == 5000)
            #expect(received.sequence.unique == 5000 && received.sequence.missing == 0 && received.sequence.duplicates == 0)
            #expect(tally[.delivered] == 100 && tally.total == 100)
            #expect(buffer.stats.events == 0 && buffer.stats.dropped.total == 0)
            #expect(stats.sentEvents == 5000)
            #expect(stats.sentBytes == UInt64(received.wireBytes))
            #expect(stats.requests[ExporterStats.success] == UInt64(received.acceptedRequests))
            #expect(stats.requests[ExporterStats.retryable] == 0 && stats.retries == 0)
        }
    }

    @Test("backend down, then back: nothing lost")
    func backendDownThenBack() async throws {
        try await Harness.withSink { sink, client in
            try await sink.goDown()
            let tally = AcknowledgementTally()
            let buffer = try await Harness.filledBuffer(events: 1000, tally: tally)
            let stats = ExporterStats()
            let loop = Harness.loop(buffer, try Harness.sender(client, sink), stats: stats)
            let running = Task { await loop.run() }

            #expect(await eventually { stats.requests[ExporterStats.retryable] >= 3 })
            #expect(stats.sentEvents == 0)
            #expect(stats.lastError?.contains("127.0.0.1") == true)
            try await sink.comeBack()
            await buffer.close()
            #expect(await Harness.finishes(running))

            #expect(sink.stats.lines == 1000 && sink.stats.sequence.missing == 0)
            #expect(tally[.delivered] == 20 && tally.total == 20)
            #expect(buffer.stats.dropped.total == 0)
            #expect(stats.retries >= 3 && stats.lastError == nil)
        }
    }

    @Test("429 with Retry-After: the wait is at least what the backend asked")
    func retryAfterHonoured() async throws {
        try await Harness.withSink(.failing(429, retryAfter: 7, .next(1))) { sink, client in
            let buffer = try await Harness.filledBuffer(events: 10)
            await buffer.close()
            // No jitter at all: only Retry-After can make the wait long.
            let clock = ManualTiming(unit: 0)
            let stats = ExporterStats()
            await Harness.loop(buffer, try Harness.sender(client, sink), concurrency: 1, stats: stats, timing: clock.timing).run()

            #expect(clock.sleeps == [.seconds(7)])
            #expect(sink.stats.requests == 2 && sink.stats.lines == 10)
            #expect(stats.requests.snapshot == [ExporterStats.success: 1, ExporterStats.retryable: 1, ExporterStats.permanent: 0])
            #expect(stats.retries == 1)
        }
    }

    @Test("500 is retried with exponential backoff, then succeeds")
    func serverErrorRetried() async throws {
        try await Harness.withSink(.failing(500, .next(2))) { sink, client in
            let buffer = try await Harness.filledBuffer(events: 10)
            await buffer.close()
            let clock = ManualTiming(unit: 1)
            let retry = RetryPolicy(initialBackoff: .seconds(1), maxBackoff: .seconds(30), maxElapsed: .seconds(60))
            await Harness.loop(buffer, try Harness.sender(client, sink), retry: retry, timing: clock.timing).run()

            #expect(clock.sleeps == [.seconds(1), .seconds(2)])
            #expect(sink.stats.requests == 3 && sink.stats.lines == 10 && sink.stats.sequence.missing == 0)
            #expect(buffer.stats.dropped.total == 0)
        }
    }

    @Test("400 is dropped at once: one request, counted, logged with the backend's reason")
    func permanentNotRetried() async throws {
        try await Harness.withSink(.failing(400)) { sink, client in
            let tally = AcknowledgementTally()
            let buffer = try await Harness.filledBuffer(events: 10, tally: tally)
            await buffer.close()
            let clock = ManualTiming()
            let logs = LogCapture()
            let stats = ExporterStats()
            await Harness.loop(
                buffer, try Harness.sender(client, sink), stats: stats, logger: logs.logger, timing: clock.timing
            ).run()

            #expect(sink.stats.requests == 1)
            #expect(clock.sleeps.isEmpty)
            #expect(buffer.stats.dropped[DropReason.permanentError] == 10)
            #expect(buffer.stats.events == 0)
            #expect(tally[.dropped] == 1)
            #expect(stats.requests[ExporterStats.permanent] == 1 && stats.sentEvents == 0)
            let errors = logs.messages(.error)
            #expect(errors.count == 1)
            #expect(errors.first?.contains("400 Bad Request: ") == true)
            #expect(errors.first?.contains("injected by outrider-sink") == true)
            #expect(errors.first?.contains("exporter test") == true && errors.first?.contains("10 events") == true)
        }
    }

    @Test("retrying stops at max_elapsed: dropped, counted, logged")
    func maxElapsedExhausted() async throws {
        try await Harness.withSink(.failing(503)) { sink, client in
            let tally = AcknowledgementTally()
            let buffer = try await Harness.filledBuffer(events: 10, tally: tally)
            await buffer.close()
            let clock = ManualTiming(unit: 1)
            let logs = LogCapture()
            let retry = RetryPolicy(initialBackoff: .seconds(1), maxBackoff: .seconds(4), maxElapsed: .seconds(10))
            let stats = ExporterStats()
            await Harness.loop(
                buffer, try Harness.sender(client, sink), retry: retry, stats: stats, logger: logs.logger, timing: clock.timing
            ).run()

            // 1 + 2 + 4 = 7 s waited; another 4 s would pass 10 s.
            #expect(clock.sleeps == [.seconds(1), .seconds(2), .seconds(4)])
            #expect(sink.stats.requests == 4)
            #expect(buffer.stats.dropped[DropReason.retriesExhausted] == 10)
            #expect(tally[.dropped] == 1)
            #expect(stats.requests[ExporterStats.retryable] == 4 && stats.retries == 3)
            let errors = logs.messages(.error)
            #expect(errors.count == 1 && errors.first?.contains("503 Service Unavailable") == true)
            #expect(logs.messages(.warning).count == 1, "an outage is announced once, not per attempt")
        }
    }

    @Test("never more than `concurrency` requests in flight")
    func concurrencyLimit() async throws {
        try await Harness.withSink(.slow(.milliseconds(30))) { sink, client in
            let buffer = try await Harness.filledBuffer(events: 400, perItem: 10)
            await buffer.close()
            let probe = ConcurrencyProbe(try Harness.sender(client, sink))
            let limits = BatchLimits(maxEvents: 10, maxBytes: 1 << 20, maxWait: .zero)
            await Harness.loop(buffer, probe, limits: limits, concurrency: 3).run()

            #expect(probe.total == 40)
            #expect(probe.peak <= 3)
            #expect(sink.stats.lines == 400 && sink.stats.sequence.missing == 0)
        }
    }

    @Test("gzip bodies arrive intact; sent bytes are the compressed bytes")
    func gzipIntact() async throws {
        try await Harness.withSink { sink, client in
            let buffer = try await Harness.filledBuffer(events: 2000)
            await buffer.close()
            let stats = ExporterStats()
            await Harness.loop(buffer, try Harness.sender(client, sink, compression: .gzip), stats: stats).run()

            let received = sink.stats
            #expect(received.lines == 2000 && received.sequence.missing == 0 && received.sequence.duplicates == 0)
            #expect(received.gzipBodies == received.acceptedRequests && received.acceptedRequests > 0)
            #expect(stats.sentBytes == UInt64(received.wireBytes))
            #expect(received.wireBytes < received.bytes)
        }
    }

    @Test("closing the buffer drains it: run() returns after the last delivery")
    func closeDrains() async throws {
        try await Harness.withSink(.slow(.milliseconds(10))) { sink, client in
            let buffer = MemoryBuffer(maxBytes: 64 << 20, whenFull: .block)
            let tally = AcknowledgementTally()
            let loop = Harness.loop(buffer, try Harness.sender(client, sink), concurrency: 2)
            let running = Task { await loop.run() }
            try await Harness.append(to: buffer, 0..<2000, tally: tally)
            await buffer.close()
            await running.value

            #expect(sink.stats.lines == 2000 && sink.stats.sequence.missing == 0)
            #expect(tally[.delivered] == 40)
            #expect(buffer.stats.events == 0)
        }
    }

    @Test("cancellation ends retries at once; a memory buffer's batches are counted lost")
    func cancellationMemory() async throws {
        try await Harness.withSink(.failing(503)) { sink, client in
            let tally = AcknowledgementTally()
            let buffer = try await Harness.filledBuffer(events: 100, tally: tally)
            // An hour's backoff: only cancellation can end the wait.
            let retry = RetryPolicy(initialBackoff: .seconds(3600), maxBackoff: .seconds(3600), maxElapsed: .zero)
            var timing = DeliveryTiming.system
            timing.random = { 1 }
            let limits = BatchLimits(maxEvents: 50, maxBytes: 1 << 20, maxWait: .zero)
            let loop = Harness.loop(buffer, try Harness.sender(client, sink), limits: limits, retry: retry, concurrency: 1, timing: timing)
            let running = Task { await loop.run() }
            #expect(await eventually { sink.stats.requests == 1 })

            running.cancel()
            #expect(await Harness.finishes(running))
            #expect(sink.stats.requests == 1)
            #expect(buffer.stats.dropped[DropReason.shutdown] == 100, "the batch in retry and the one still queued")
            #expect(tally[.dropped] == 2)
            #expect(buffer.stats.events == 0)
        }
    }

    @Test("cancellation leaves a durable buffer's batches uncompleted, for the next start")
    func cancellationDurable() async throws {
        try await Harness.withSink(.failing(503)) { sink, client in
            let buffer = DurableStandIn(try await Harness.filledBuffer(events: 100))
            let retry = RetryPolicy(initialBackoff: .seconds(3600), maxBackoff: .seconds(3600), maxElapsed: .zero)
            var timing = DeliveryTiming.system
            timing.random = { 1 }
            let loop = Harness.loop(buffer, try Harness.sender(client, sink), retry: retry, concurrency: 1, timing: timing)
            let running = Task { await loop.run() }
            #expect(await eventually { sink.stats.requests == 1 })

            running.cancel()
            #expect(await Harness.finishes(running))
            #expect(buffer.completed == 0)
            #expect(buffer.stats.dropped.total == 0)
            #expect(buffer.stats.events == 100)
        }
    }
}
