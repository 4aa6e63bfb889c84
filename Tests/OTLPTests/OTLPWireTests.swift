import Foundation
import OTLP
import Telemetry
import Testing

/// The request's shape on the wire: what a Collector receives.
@Suite("OTLP: request shape")
struct OTLPWireTests {
    @Test("ids are big-endian bytes; an absent id is empty; the body is a string when UTF-8, bytes otherwise")
    func logRecordFields() throws {
        let request = OTLPLogs.request(OTLPSamples.logs)
        let records = request.resourceLogs[0].scopeLogs[0].logRecords
        #expect([UInt8](records[0].traceID) == Array(1...16))
        #expect([UInt8](records[0].spanID) == [0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18])
        #expect(records[0].body.stringValue == "héllo wörld 🚀\n\t\"quoted\" \\ \u{0}")
        #expect(records[0].severityNumber == .error && records[0].severityText == "ERROR")
        #expect(records[0].timeUnixNano == 1_700_000_000_123_456_784 && records[0].observedTimeUnixNano == 1_700_000_000_123_456_789)
        #expect([UInt8](records[1].body.bytesValue) == [0xC3, 0x28, 0xFF, 0x61, 0xED, 0xA0, 0x80])
        #expect(records[1].traceID.isEmpty && records[1].spanID.isEmpty && records[1].timeUnixNano == 0)
        #expect(!records[2].hasBody && records[2].flags == 0xFF && records[2].severityNumber == .fatal4)
    }

    @Test("batches with an equal resource share one entry; items are grouped by scope in order of appearance")
    func grouping() throws {
        let first = OTLPSamples.logs[0]
        let tail = TelemetryBatch.logs(
            [LogRecord(observedTimestamp: OTLPSamples.now, body: Array("again".utf8), scope: OTLPSamples.scope)],
            resource: OTLPSamples.resource)
        let request = OTLPLogs.request([first, OTLPSamples.logs[1], tail])
        #expect(request.resourceLogs.count == 2)
        let scopes = request.resourceLogs[0].scopeLogs
        #expect(scopes.map(\.scope.name) == [OTLPSamples.scope.name, OTLPSamples.otherScope.name, ""])
        #expect(scopes.map(\.logRecords.count) == [4, 1, 1])
        #expect(scopes[0].logRecords.last?.body.stringValue == "again")
        #expect(!scopes[2].hasScope, "an empty scope is left out")

        let decoded = OTLPLogs.batches(from: request, receivedAt: OTLPSamples.now)
        #expect(decoded.batches.map(\.resource) == [OTLPSamples.resource, OTLPSamples.otherResource])
        #expect(decoded.batches.map(\.eventCount) == [6, 1])
    }

    @Test("metrics: counter is a monotonic cumulative sum, gauge a gauge, histogram cumulative with its buckets")
    func metricShapes() throws {
        let metrics = OTLPMetrics.request(OTLPSamples.metrics).resourceMetrics[0].scopeMetrics
        #expect(metrics.map(\.scope.name) == [OTLPSamples.scope.name, "", OTLPSamples.otherScope.name])
        let counter = metrics[0].metrics[0]
        #expect(counter.name == "http_requests_total" && counter.description_p == "Requests served. ✓" && counter.unit == "1")
        #expect(counter.sum.isMonotonic && counter.sum.aggregationTemporality == .cumulative)
        #expect(counter.sum.dataPoints[0].asDouble == 1027 && counter.sum.dataPoints[0].timeUnixNano == 1_700_000_000_123_456_789)
        #expect(counter.sum.dataPoints[0].startTimeUnixNano == 0)
        #expect(counter.sum.dataPoints[1].attributes.map(\.key) == ["method", "code", "path"])
        #expect(counter.sum.dataPoints[1].attributes.map(\.value.stringValue) == ["POST", "500", "/ü"])
        #expect(counter.sum.dataPoints[1].startTimeUnixNano == 1_699_999_999_123_456_789)
        let gauge = metrics[1].metrics[0]
        guard case .gauge(let points)? = gauge.data else {
            Issue.record("not a gauge")
            return
        }
        #expect(points.dataPoints.map(\.asDouble) == [8.5e9, -0.25, .infinity, .leastNonzeroMagnitude])
        let histogram = metrics[2].metrics[0].histogram
        #expect(histogram.aggregationTemporality == .cumulative)
        let point = histogram.dataPoints[0]
        #expect(point.bucketCounts == [1, 0, 5, 3, 0, 2] && point.explicitBounds == [0.005, 0.01, 0.1, 1, 10])
        #expect(point.count == 11 && point.sum == 27.125 && point.min == 0.001 && point.max == 17.5)
        #expect(!histogram.dataPoints[1].hasMin && !histogram.dataPoints[1].hasMax && histogram.dataPoints[1].hasSum)
    }

    @Test("spans: a root span has no parent id, unset status is left out, kinds and codes keep their numbers")
    func spanFields() throws {
        let spans = OTLPSpans.request(OTLPSamples.spans).resourceSpans[0].scopeSpans[0].spans
        #expect(spans[0].parentSpanID.isEmpty && spans[0].traceState == "vendor=a,other=b:c" && spans[0].kind == .server)
        #expect(spans[0].status.code == .error && spans[0].status.message == "payment declined: ünknown")
        #expect(spans[0].links.map { [UInt8]($0.spanID) } == [[0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8], [0, 0, 0, 0, 0, 0, 0, 1]])
        #expect(spans[0].events.map(\.name) == ["exception", ""])
        #expect([UInt8](spans[1].parentSpanID) == [0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18])
        #expect(spans[1].status.code == .ok && spans[1].kind == .client)
        let unscoped = OTLPSpans.request(OTLPSamples.spans).resourceSpans[0].scopeSpans[2].spans
        #expect(unscoped.allSatisfy { !$0.hasStatus })
    }
}
