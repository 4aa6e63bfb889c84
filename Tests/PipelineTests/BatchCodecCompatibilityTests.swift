import Foundation
import Testing
@testable import Pipeline
import Telemetry

/// Disk buffers outlive upgrades: records an older build wrote must decode after the codec
/// grew new fields. The fixtures were written by the codec before 32-bit span flags, link
/// flags, dropped counts, scope details, schema URLs, event names and integer values
/// existed (see Fixtures/codec-v1/README.md); the batches below are what they were made of.
@Suite("BatchCodec: records written before the fidelity fields")
struct BatchCodecCompatibilityTests {
    static func ts(_ nanoseconds: Int64) -> Timestamp { Timestamp(nanosecondsSinceEpoch: nanoseconds) }

    static func fixture(_ name: String) throws -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/codec-v1/\(name).bin")
        return [UInt8](try Data(contentsOf: url))
    }

    static let attributes: Attributes = [
        "s": "text ✓", "b": true, "i": .int(-42), "max": .int(.max), "d": 3.25, "bytes": .bytes([0, 255]),
        "array": .array(["a", 1, .map(["k": "v"])]),
    ]
    static let resource = Resource(attributes: ["service.name": "checkout", "k8s.pod.name": "checkout-7d9f"])

    static var logs: TelemetryBatch {
        let scope = InstrumentationScope(name: "io.opentelemetry.java", version: "1.32.0")
        return .logs([
            LogRecord(
                timestamp: ts(1_700_000_000_123_456_789), observedTimestamp: ts(1_700_000_000_200_000_000),
                severity: Severity(number: 13, text: "warning"), body: Array("disk almost full".utf8), attributes: attributes,
                traceID: TraceID(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210), spanID: SpanID(0xAABB_CCDD_EEFF_0011),
                flags: 1, scope: scope),
            LogRecord(observedTimestamp: ts(-5), severity: Severity(number: 13, text: "warning"), body: [0, 0xFF], scope: scope),
            LogRecord(observedTimestamp: ts(7), severity: .fatal, body: Array("x".utf8), spanID: SpanID(1), flags: 0xFF),
        ], resource: resource)
    }

    static var metrics: TelemetryBatch {
        var cpu = MetricFamily(name: "node_cpu_seconds_total", help: "Seconds.", kind: .counter, unit: "s")
        cpu.add(12.5, ["cpu": "0", "mode": "idle"])
        cpu.add(0.25, ["cpu": "0", "mode": "user"])
        cpu.add(9_007_199_254_740_992, ["mode": "idle", "cpu": "1"])
        var gauge = MetricFamily(name: "queue_depth", help: "", kind: .gauge, scope: InstrumentationScope(name: "app", version: "3"))
        gauge.samples = [MetricSample(labels: ["q": "a"], value: -7, timestamp: ts(11), startTimestamp: ts(5))]
        var latency = MetricFamily(
            name: "http_server_duration_seconds", help: "Latency.", kind: .histogram, unit: "s",
            scope: InstrumentationScope(name: "io.opentelemetry.http", version: "1.2"))
        latency.samples = [
            MetricSample(
                labels: ["route": "/checkout"],
                histogram: HistogramValue(bounds: [0.005, 0.1, 1], counts: [1, 5, 2, 1], sum: 3.75, count: 9, min: 0.001, max: 2.5),
                timestamp: ts(1_700_000_000_500_000_000), startTimestamp: ts(1_699_999_000_000_000_000)),
            MetricSample(labels: ["route": "/cart"], histogram: HistogramValue(bounds: [], counts: [], sum: 0, count: 0)),
        ]
        return .metrics(MetricBatch(families: [cpu, gauge, latency], timestamp: ts(1_700_000_001_000_000_000)), resource: resource)
    }

    static var spans: TelemetryBatch {
        let trace = TraceID(high: 1, low: 2)
        return .spans([
            Span(
                traceID: trace, spanID: SpanID(3), parentSpanID: SpanID(4), traceState: "vendor=abc", flags: 1,
                name: "GET /checkout", kind: .server, start: ts(100), end: ts(250), attributes: attributes,
                events: [Span.Event(name: "exception", timestamp: ts(200), attributes: ["exception.type": "Timeout"])],
                links: [Span.Link(traceID: TraceID(high: 9, low: 9), spanID: SpanID(8), traceState: "k=v", attributes: ["n": 1])],
                status: Span.Status(code: .error, message: "upstream timed out"), scope: InstrumentationScope(name: "tracer", version: "2")),
            Span(traceID: trace, spanID: SpanID(5), flags: 0, name: "db", kind: .client, start: ts(1), end: ts(2),
                 scope: InstrumentationScope(name: "tracer", version: "2")),
        ], resource: resource)
    }

    @Test("old records decode to what was written, and the same batch still encodes to those bytes", arguments: ["logs", "metrics", "spans"])
    func decodesOldLayout(_ name: String) throws {
        let bytes = try Self.fixture(name)
        let expected = switch name {
        case "logs": Self.logs
        case "metrics": Self.metrics
        default: Self.spans
        }
        let decoded = try BatchCodec.decode(bytes)
        #expect(decoded == expected)
        let header = try BatchCodec.header(bytes)
        #expect(header.events == expected.eventCount && header.signal == expected.signal)
        // The size estimate in the header is the writer's (it changes with the model's
        // layout); everything after it is the layout, which must not have changed.
        let again = BatchCodec.encode(decoded, events: header.events, estimatedBytes: header.estimatedBytes)
        #expect(again == bytes, "without the new fields a record is written as before")
    }

    @Test("an old float sample decodes as a float, an old span's flags as its trace flags")
    func oldValuesKeepTheirMeaning() throws {
        guard case .metrics(let metrics) = try BatchCodec.decode(try Self.fixture("metrics")).payload,
            case .spans(let spans) = try BatchCodec.decode(try Self.fixture("spans")).payload
        else {
            Issue.record("wrong payload kinds")
            return
        }
        #expect(metrics.families[0].samples.map(\.number) == [.double(12.5), .double(0.25), .double(9_007_199_254_740_992)])
        #expect(spans.map(\.flags) == [1, 0] && spans.allSatisfy { $0.parentIsRemote == nil })
        #expect(spans[0].links[0].flags == 0 && spans[0].droppedAttributesCount == 0)
    }
}
