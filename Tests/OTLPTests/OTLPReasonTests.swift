import Foundation
@testable import OTLP
import Telemetry
import Testing

/// What a receiver answers in `partial_success` for requests built to hurt: long names,
/// many bad points, repeated keys. The answer stays short and exact, and comes in time.
@Suite("OTLP: partial_success reasons stay short, exact and cheap", .timeLimit(.minutes(1)))
struct OTLPReasonTests {
    typealias Build = OTLPRejectionTests

    static func gauge(_ name: String, points: [ProtoNumberPoint]) -> ProtoMetric {
        Build.metric(name) { $0.gauge.dataPoints = points }
    }

    static func summary(_ name: String) -> ProtoMetric {
        Build.metric(name) { $0.summary.dataPoints = [Opentelemetry_Proto_Metrics_V1_SummaryDataPoint()] }
    }

    @Test("a megabyte name on 300,000 points without a value: every point counted, the name quoted once and cut")
    func longNameManyPoints() throws {
        let name = String(repeating: "n", count: 1 << 20)
        let points = [ProtoNumberPoint](repeating: Build.numberPoint(nil), count: 300_000)
        let decoded = OTLPMetrics.batches(
            from: Build.metricsRequest([Self.gauge(name, points: points), Self.gauge("up", points: [Build.numberPoint(1)])]),
            receivedAt: Build.receivedAt)
        #expect(decoded.partialSuccess.rejected == 300_000)
        // Checked by length first: a failure must not print the megabyte.
        let message = decoded.partialSuccess.errorMessage
        try #require(message.utf8.count < 200, "the reason quotes \(message.utf8.count) bytes")
        #expect(message == "metric \"\(String(repeating: "n", count: 128))…\": a point has no value")
        let batch = try #require(decoded.firstMetrics)
        #expect(batch.families.count == 1 && batch.families.last?.name == "up", "the metric with no point left is left out")
    }

    @Test("a sixth reason repeated by many points and metrics is one more reason, not one per point")
    func repeatedExtraReason() {
        let firstFive = (1...5).map { Self.summary("s\($0)") }
        let repeated = Self.gauge("bad", points: [Build.numberPoint(nil), Build.numberPoint(nil), Build.numberPoint(nil)])
        let decoded = OTLPMetrics.batches(
            from: Build.metricsRequest(firstFive + [repeated, repeated]), receivedAt: Build.receivedAt)
        #expect(decoded.partialSuccess.rejected == 5 + 6)
        #expect(decoded.partialSuccess.reasons == (1...5).map { "metric \"s\($0)\": summaries are not supported" })
        #expect(decoded.partialSuccess.moreReasons == 1)
        #expect(decoded.partialSuccess.errorMessage.hasSuffix("summaries are not supported; and 1 more"))
    }

    @Test("a metric whose points were all rejected is left out; one sent without points stays")
    func allPointsRejected() throws {
        let metrics = [
            Self.gauge("all_bad", points: [Build.numberPoint(nil), Build.numberPoint(1, flags: 1)]),
            Self.gauge("no_points", points: []),
            Self.gauge("good", points: [Build.numberPoint(2)]),
        ]
        let decoded = OTLPMetrics.batches(from: Build.metricsRequest(metrics), receivedAt: Build.receivedAt)
        #expect(decoded.partialSuccess.rejected == 2)
        let batch = try #require(decoded.firstMetrics)
        #expect(batch.families.map(\.name) == ["no_points", "good"])
        #expect(batch.families.map(\.samples.count) == [0, 1])
    }

    @Test("names are cut at a character boundary: metric, span and attribute names alike")
    func cutAtCharacterBoundary() throws {
        // 127 ASCII bytes then "é" (2 bytes): byte 128 is the middle of the "é".
        let metricName = String(repeating: "m", count: 127) + "é" + "tail"
        let decoded = OTLPMetrics.batches(from: Build.metricsRequest([Self.summary(metricName)]), receivedAt: Build.receivedAt)
        #expect(decoded.partialSuccess.errorMessage == "metric \"\(String(repeating: "m", count: 127))…\": summaries are not supported")

        var span = ProtoSpan()
        span.name = String(repeating: "é", count: 100)  // 200 bytes: 64 fit
        span.traceID = Data(repeating: 1, count: 3)
        var scope = Opentelemetry_Proto_Trace_V1_ScopeSpans()
        scope.spans = [span]
        var resource = Opentelemetry_Proto_Trace_V1_ResourceSpans()
        resource.scopeSpans = [scope]
        var request = OTLPTraceRequest()
        request.resourceSpans = [resource]
        #expect(OTLPSpans.batches(from: request).partialSuccess.errorMessage
            == "span \"\(String(repeating: "é", count: 64))…\": trace_id has 3 bytes, not 16")

        var record = ProtoLogRecord()
        record.attributes = [Build.keyValue(String(repeating: "k", count: 129), ProtoAnyValue())]
        #expect(OTLPLogs.batches(from: Build.logsRequest([record]), receivedAt: Build.receivedAt).partialSuccess.errorMessage
            == "log record: attribute \"\(String(repeating: "k", count: 128))…\" has no value and was left out")
    }

    @Test("a repeated attribute key keeps its last value at its first place and is noted, not rejected")
    func duplicateKeys() throws {
        let string = { (text: String) in Build.value { $0.stringValue = text } }
        var nested = Opentelemetry_Proto_Common_V1_KeyValueList()
        nested.values = [Build.keyValue("x", string("1")), Build.keyValue("x", string("2"))]
        var record = ProtoLogRecord()
        record.attributes = [
            Build.keyValue("a", string("first")), Build.keyValue("b", string("b")),
            Build.keyValue("a", string("last")), Build.keyValue("m", Build.value { $0.kvlistValue = nested }),
        ]
        let decoded = OTLPLogs.batches(from: Build.logsRequest([record]), receivedAt: Build.receivedAt)
        #expect(decoded.partialSuccess.rejected == 0 && !decoded.partialSuccess.isEmpty)
        #expect(decoded.partialSuccess.duplicateAttributeKeys == 2)
        #expect(decoded.partialSuccess.errorMessage == "2 attribute keys repeated in the same list, the last value kept")
        let records = try #require(decoded.firstLogs)
        #expect(records.first?.attributes == ["a": "last", "b": "b", "m": .map(["x": "2"])])
    }

    @Test("a list of 200,000 attribute keys is converted whole, in order")
    func manyAttributeKeys() throws {
        var record = ProtoLogRecord()
        record.attributes = (0..<200_000).map { Build.keyValue("key.\($0)", Build.value { $0.intValue = 1 }) }
        let decoded = OTLPLogs.batches(from: Build.logsRequest([record]), receivedAt: Build.receivedAt)
        #expect(decoded.partialSuccess.isEmpty)
        let attributes = try #require(decoded.firstLogs?.first?.attributes)
        #expect(attributes.count == 200_000)
        #expect(attributes.pairs.first?.key == "key.0" && attributes.pairs.last?.key == "key.199999")
    }
}
