import OTLP
import Telemetry
import Testing

/// Telemetry → OTLP request → protobuf bytes → parsed request → Telemetry gives back what
/// went in, field by field.
@Suite("OTLP: round trip through the wire format")
struct OTLPRoundTripTests {
    static let receivedAt = Timestamp(nanosecondsSinceEpoch: 42)

    static func logs(_ batches: [TelemetryBatch]) throws -> OTLPDecoded {
        let bytes: [UInt8] = try OTLPLogs.request(batches).serializedBytes()
        return OTLPLogs.batches(from: try OTLPLogsRequest(serializedBytes: bytes), receivedAt: receivedAt)
    }

    static func spans(_ batches: [TelemetryBatch]) throws -> OTLPDecoded {
        let bytes: [UInt8] = try OTLPSpans.request(batches).serializedBytes()
        return OTLPSpans.batches(from: try OTLPTraceRequest(serializedBytes: bytes))
    }

    static func metrics(_ batches: [TelemetryBatch]) throws -> OTLPDecoded {
        let bytes: [UInt8] = try OTLPMetrics.request(batches).serializedBytes()
        return OTLPMetrics.batches(from: try OTLPMetricsRequest(serializedBytes: bytes), receivedAt: receivedAt)
    }

    /// Compares batch by batch and item by item, so a failure names the field that differs.
    static func expectEqual(_ decoded: OTLPDecoded, _ original: [TelemetryBatch], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(decoded.partialSuccess.isEmpty, "\(decoded.partialSuccess.errorMessage)", sourceLocation: sourceLocation)
        #expect(decoded.batches.count == original.count, sourceLocation: sourceLocation)
        for (got, want) in zip(decoded.batches, original) {
            #expect(got.resource == want.resource, sourceLocation: sourceLocation)
            switch (got.payload, want.payload) {
            case (.logs(let got), .logs(let want)):
                #expect(got.count == want.count, sourceLocation: sourceLocation)
                for (got, want) in zip(got, want) { #expect(got == want, sourceLocation: sourceLocation) }
            case (.spans(let got), .spans(let want)):
                #expect(got.count == want.count, sourceLocation: sourceLocation)
                for (got, want) in zip(got, want) { #expect(got == want, sourceLocation: sourceLocation) }
            case (.metrics(let got), .metrics(let want)):
                #expect(got.timestamp == want.timestamp, sourceLocation: sourceLocation)
                #expect(got.families.count == want.families.count, sourceLocation: sourceLocation)
                for (got, want) in zip(got.families, want.families) { #expect(got == want, sourceLocation: sourceLocation) }
            default:
                Issue.record("signal changed: \(got.signal) for \(want.signal)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test("logs: every field, unicode and invalid UTF-8 bodies, nested attributes, ids, flags, scopes")
    func logs() throws {
        // Records come back grouped by scope: the sample already is.
        Self.expectEqual(try Self.logs(OTLPSamples.logs), OTLPSamples.logs)
    }

    @Test("spans: every field, root and child spans, events, links, status, every kind")
    func spans() throws {
        Self.expectEqual(try Self.spans(OTLPSamples.spans), OTLPSamples.spans)
    }

    @Test("metrics: counters, gauges, histograms with min/max, start times, own timestamps, scopes")
    func metrics() throws {
        Self.expectEqual(try Self.metrics(OTLPSamples.metrics), OTLPSamples.metrics)
    }

    @Test("nothing in, nothing out: no batches, and batches without items")
    func empty() throws {
        for empty in [[], [TelemetryBatch.logs([]), .spans([]), .metrics(MetricBatch(families: [], timestamp: OTLPSamples.now))]] {
            #expect(OTLPLogs.request(empty).resourceLogs.isEmpty)
            #expect(OTLPSpans.request(empty).resourceSpans.isEmpty)
            #expect(OTLPMetrics.request(empty).resourceMetrics.isEmpty)
            #expect(try Self.logs(empty) == OTLPDecoded(batches: [], partialSuccess: OTLPPartialSuccess()))
            #expect(try Self.spans(empty).batches.isEmpty)
            #expect(try Self.metrics(empty).batches.isEmpty)
        }
    }

    @Test("a NaN gauge survives (NaN is not equal to itself, so it is checked on its own)")
    func notANumber() throws {
        let batch = TelemetryBatch.metrics(MetricBatch(
            families: [MetricFamily(name: "g", help: "", kind: .gauge, samples: [MetricSample(labels: Labels(), value: .nan)])],
            timestamp: OTLPSamples.now))
        let decoded = try Self.metrics([batch])
        try #require(decoded.batches.count == 1)
        let metrics = try #require(decoded.firstMetrics)
        #expect(metrics.families.first?.samples.first?.value.isNaN == true)
    }

    @Test("a point's own time later than its batch's makes the batch's timestamp; every sample keeps its time")
    func laterSampleTime() throws {
        let late = OTLPSamples.at(500)
        let batch = TelemetryBatch.metrics(MetricBatch(families: [
            MetricFamily(name: "g", help: "", kind: .gauge, samples: [
                MetricSample(labels: ["a": "1"], value: 1),
                MetricSample(labels: ["a": "2"], value: 2, timestamp: late),
            ]),
        ], timestamp: OTLPSamples.now))
        let decoded = try Self.metrics([batch])
        try #require(decoded.batches.count == 1)
        let metrics = try #require(decoded.firstMetrics)
        #expect(metrics.timestamp == late)
        #expect(metrics.families[0].samples.map(\.timestamp) == [OTLPSamples.now, nil])
    }
}
