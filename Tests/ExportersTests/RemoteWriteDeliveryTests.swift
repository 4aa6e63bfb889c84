import AsyncHTTPClient
import Pipeline
import Telemetry
import TestSink
import Testing
@testable import Exporters

/// The remote_write exporter's parts (encoder, classifier, headers) on the shared
/// `HTTPSender` and `DeliveryLoop`, against a `TestSink` on 127.0.0.1 that fails on command.
/// The sink takes snappy bodies without decoding them (the encoder tests decode them).
@Suite("Prometheus remote_write: delivery and faults", .timeLimit(.minutes(2)))
struct RemoteWriteDeliveryTests {
    static func sender(_ client: HTTPClient, _ sink: TestSink) throws -> HTTPSender {
        try HTTPSender(
            client: client,
            configuration: HTTPSenderConfiguration(
                endpoint: "http://127.0.0.1:\(sink.port)/api/v1/write", headers: PrometheusRemoteWriteEncoder.requestHeaders),
            encoder: PrometheusRemoteWriteEncoder(), classifier: RemoteWriteResponseClassifier(), logger: Harness.quiet)
    }

    /// `items` batches of 5 gauge samples each, one acknowledgement per batch.
    static func filledBuffer(items: Int = 2, tally: AcknowledgementTally? = nil) async throws -> MemoryBuffer {
        let buffer = MemoryBuffer(maxBytes: 16 << 20, whenFull: .block)
        for item in 0..<items {
            var family = MetricFamily(name: "queue_depth", help: "Items waiting.", kind: .gauge)
            for queue in 0..<5 { family.add(Double(item * 5 + queue), ["queue": "q\(queue)"]) }
            let batch = TelemetryBatch.metrics(
                MetricBatch(families: [family], timestamp: Timestamp(nanosecondsSinceEpoch: Int64(item + 1) * 1_000_000_000)),
                resource: Resource(attributes: ["service.name": "checkout"]))
            _ = try await buffer.append(BufferItem(batch, acknowledgement: tally?.make()), ifBlocked: .wait)
        }
        await buffer.close()
        return buffer
    }

    @Test("requests carry the protocol's headers; a delivered one reports the snappy body's size")
    func headersAndDelivery() async throws {
        try await Harness.withSink { sink, client in
            let sender = try Self.sender(client, sink)
            let request = try sender.makeRequest(body: [1])
            #expect(request.headers["Content-Encoding"] == ["snappy"])
            #expect(request.headers["Content-Type"] == ["application/x-protobuf"])
            #expect(request.headers["X-Prometheus-Remote-Write-Version"] == ["0.1.0"])
            #expect(request.headers["User-Agent"] == ["outrider"])

            var family = MetricFamily(name: "up", help: "", kind: .gauge)
            family.add(1)
            let batch = TelemetryBatch.metrics(MetricBatch(families: [family], timestamp: Harness.now))
            let attempt = await sender.attempt([batch])
            let body = try PrometheusRemoteWriteEncoder().encode([batch])
            #expect(attempt == SendAttempt(.delivered, bytes: body.count))
            #expect(sink.stats.acceptedRequests == 1 && sink.stats.bytes == body.count && sink.stats.wireBytes == body.count)
            #expect(sink.stats.contentTypes == ["application/x-protobuf": 1] && sink.stats.paths == ["/api/v1/write": 1])
        }
    }

    @Test("429 with Retry-After: the wait is what the backend asked, then delivered")
    func retryAfterHonoured() async throws {
        try await Harness.withSink(.failing(429, retryAfter: 7, .next(1))) { sink, client in
            let tally = AcknowledgementTally()
            let buffer = try await Self.filledBuffer(tally: tally)
            let clock = ManualTiming(unit: 0)
            let stats = ExporterStats()
            await Harness.loop(buffer, try Self.sender(client, sink), concurrency: 1, stats: stats, timing: clock.timing).run()

            #expect(clock.sleeps == [.seconds(7)])
            #expect(sink.stats.requests == 2 && sink.stats.acceptedRequests == 1 && sink.stats.rejectedByStatus == [429: 1])
            #expect(tally[.delivered] == 2 && stats.sentEvents == 10 && stats.retries == 1)
        }
    }

    @Test("503 is retried with backoff until the receiver takes it")
    func serviceUnavailableRetried() async throws {
        try await Harness.withSink(.failing(503, .next(2))) { sink, client in
            let buffer = try await Self.filledBuffer()
            let clock = ManualTiming(unit: 1)
            let retry = RetryPolicy(initialBackoff: .seconds(1), maxBackoff: .seconds(30), maxElapsed: .seconds(60))
            await Harness.loop(buffer, try Self.sender(client, sink), retry: retry, timing: clock.timing).run()

            #expect(clock.sleeps == [.seconds(1), .seconds(2)])
            #expect(sink.stats.requests == 3 && sink.stats.acceptedRequests == 1 && sink.stats.rejectedByStatus == [503: 2])
            #expect(buffer.stats.dropped.total == 0)
        }
    }

    @Test("400 and 408 are dropped at once and counted: retrying cannot help a remote_write request", arguments: [400, 408])
    func clientErrorsNotRetried(status: Int) async throws {
        try await Harness.withSink(.failing(status)) { sink, client in
            let tally = AcknowledgementTally()
            let buffer = try await Self.filledBuffer(tally: tally)
            let clock = ManualTiming()
            let logs = LogCapture()
            let stats = ExporterStats()
            await Harness.loop(buffer, try Self.sender(client, sink), stats: stats, logger: logs.logger, timing: clock.timing).run()

            #expect(sink.stats.requests == 1 && clock.sleeps.isEmpty)
            #expect(buffer.stats.dropped[DropReason.permanentError] == 10)
            #expect(tally[.dropped] == 2 && stats.requests[ExporterStats.permanent] == 1)
            #expect(logs.messages(.error).first?.contains("\(status) ") == true)
        }
    }

    @Test("an inconsistent histogram point costs only itself: the rest is delivered, the point counted as rejected")
    func badHistogramPointRejectedAlone() async throws {
        try await Harness.withSink { sink, client in
            let tally = AcknowledgementTally()
            let buffer = MemoryBuffer(maxBytes: 16 << 20, whenFull: .block)
            var memory = MetricFamily(name: "node_memory_MemAvailable_bytes", help: "", kind: .gauge)
            memory.add(4_000_000_000)
            let latency = MetricFamily(
                name: "rpc_seconds", help: "", kind: .histogram,
                samples: [
                    MetricSample(labels: ["route": "/ok"], histogram: HistogramValue(bounds: [1], counts: [1, 1], sum: 1.5, count: 2)),
                    MetricSample(labels: ["route": "/bad"], histogram: HistogramValue(bounds: [1], counts: [5, 1], sum: 1.5, count: 2)),
                ])
            for families in [[memory], [latency]] {
                let batch = TelemetryBatch.metrics(MetricBatch(families: families, timestamp: Harness.now))
                _ = try await buffer.append(BufferItem(batch, acknowledgement: tally.make()), ifBlocked: .wait)
            }
            await buffer.close()
            let logs = LogCapture()
            let stats = ExporterStats()
            await Harness.loop(buffer, try Self.sender(client, sink), concurrency: 1, stats: stats, logger: logs.logger).run()

            #expect(sink.stats.acceptedRequests == 1 && sink.stats.requests == 1, "\(sink.stats.json)")
            #expect(stats.sentEvents == 2 && buffer.stats.dropped[DropReason.rejected] == 1)
            #expect(buffer.stats.dropped[DropReason.permanentError] == 0 && stats.requests[ExporterStats.permanent] == 0)
            #expect(tally[.delivered] == 2)
            #expect(logs.messages(.warning) == [
                #"exporter test: backend rejected 1 of 3 events: not representable in remote_write, left out: histogram rpc_seconds{route="/bad"} is inconsistent: 2 counts for 1 bounds, count 2"#,
            ])
        }
    }
}
