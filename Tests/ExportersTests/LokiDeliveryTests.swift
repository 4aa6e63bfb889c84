import AsyncHTTPClient
import Pipeline
import Telemetry
import TestSink
import Testing
@testable import Exporters

/// The Loki exporter's encoder on the shared `HTTPSender` and `DeliveryLoop`, against the
/// `TestSink`'s Loki route: every body is checked against the push API's schema there, each
/// entry's `{"seq":N}` line goes through the sink's loss and duplicate tracking.
@Suite("Loki: delivery through the sink's push route, and faults", .timeLimit(.minutes(2)))
struct LokiDeliveryTests {
    static func sender(
        _ client: HTTPClient, _ sink: TestSink, compression: HTTPCompression = .none, options: LokiOptions = LokiOptions()
    ) throws -> HTTPSender {
        try HTTPSender(
            client: client,
            configuration: HTTPSenderConfiguration(
                endpoint: "http://127.0.0.1:\(sink.port)/loki/api/v1/push", headers: ["X-Scope-OrgID": "team-a"],
                compression: compression),
            encoder: LokiPushEncoder(options: options), logger: Harness.quiet)
    }

    @Test("every entry arrives once, schema-valid, in one stream per label set, with the tenant", arguments: HTTPCompression.allCases)
    func allEntriesArrive(compression: HTTPCompression) async throws {
        try await Harness.withSink { sink, client in
            let tally = AcknowledgementTally()
            let buffer = try await Harness.filledBuffer(events: 5000, tally: tally)
            await buffer.close()
            let stats = ExporterStats()
            await Harness.loop(buffer, try Self.sender(client, sink, compression: compression), stats: stats).run()

            let received = sink.stats
            #expect(received.rejectedRequests == 0, "\(received.json)")
            #expect(received.lines == 5000 && received.sequence.unique == 5000)
            #expect(received.sequence.missing == 0 && received.sequence.duplicates == 0)
            // The harness' records have no resource and no severity: only `level` has a value.
            #expect(received.lokiStreams == [#"{level="unknown"}"#: 5000])
            #expect(received.lokiTenants == ["team-a": received.acceptedRequests])
            #expect(received.lokiPushes == received.acceptedRequests && received.lokiUnorderedEntries == 0)
            #expect(received.gzipBodies == (compression == .gzip ? received.acceptedRequests : 0))
            #expect(tally[.delivered] == 100 && stats.sentEvents == 5000)
        }
    }

    @Test("stream labels and structured metadata as the sink reads them")
    func labelsAndMetadataAtTheSink() async throws {
        try await Harness.withSink { sink, client in
            var records = (0..<4).map { index in
                LogRecord(
                    timestamp: Timestamp(nanosecondsSinceEpoch: Int64(10 - index)), observedTimestamp: Harness.now,
                    severity: index == 3 ? .error : .info, body: Array("{\"seq\":\(index)}".utf8),
                    attributes: ["correlation_id": .string("c\(index)")])
            }
            records[0].traceID = TraceID(high: 1, low: 2)
            records[0].spanID = SpanID(3)
            let batch = TelemetryBatch.logs(records, resource: LokiEncoderTests.kubernetes)
            let sender = try Self.sender(client, sink, options: LokiOptions(structuredMetadata: ["correlation_id"]))
            #expect(await sender.send([batch]) == .delivered)

            let labels = #"container="app",level="%@",namespace="shop",pod="checkout-1",service_name="checkout""#
            #expect(sink.stats.lokiStreams == [
                "{" + labels.replacingOccurrences(of: "%@", with: "info") + "}": 3,
                "{" + labels.replacingOccurrences(of: "%@", with: "error") + "}": 1,
            ])
            #expect(sink.stats.lokiMetadata == ["trace_id": 1, "span_id": 1, "correlation_id": 4])
            #expect(sink.stats.lokiUnorderedEntries == 0 && sink.stats.sequence.unique == 4)
        }
    }

    @Test("429 with Retry-After: the wait is what Loki asked, then delivered")
    func retryAfterHonoured() async throws {
        try await Harness.withSink(.failing(429, retryAfter: 7, .next(1))) { sink, client in
            let buffer = try await Harness.filledBuffer(events: 10)
            await buffer.close()
            let clock = ManualTiming(unit: 0)
            await Harness.loop(buffer, try Self.sender(client, sink), concurrency: 1, timing: clock.timing).run()

            #expect(clock.sleeps == [.seconds(7)])
            #expect(sink.stats.requests == 2 && sink.stats.lines == 10 && sink.stats.sequence.missing == 0)
        }
    }

    @Test("503 is retried with backoff until Loki takes it")
    func serviceUnavailableRetried() async throws {
        try await Harness.withSink(.failing(503, .next(2))) { sink, client in
            let buffer = try await Harness.filledBuffer(events: 10)
            await buffer.close()
            let clock = ManualTiming(unit: 1)
            let retry = RetryPolicy(initialBackoff: .seconds(1), maxBackoff: .seconds(30), maxElapsed: .seconds(60))
            await Harness.loop(buffer, try Self.sender(client, sink), retry: retry, timing: clock.timing).run()

            #expect(clock.sleeps == [.seconds(1), .seconds(2)])
            #expect(sink.stats.requests == 3 && sink.stats.lines == 10 && sink.stats.sequence.missing == 0)
        }
    }

    @Test("400 is dropped at once, counted and logged with Loki's reason")
    func badRequestNotRetried() async throws {
        try await Harness.withSink(.failing(400)) { sink, client in
            let buffer = try await Harness.filledBuffer(events: 10)
            await buffer.close()
            let clock = ManualTiming()
            let logs = LogCapture()
            await Harness.loop(buffer, try Self.sender(client, sink), logger: logs.logger, timing: clock.timing).run()

            #expect(sink.stats.requests == 1 && clock.sleeps.isEmpty)
            #expect(buffer.stats.dropped[DropReason.permanentError] == 10)
            #expect(logs.messages(.error).first?.contains("400 Bad Request") == true)
        }
    }
}
