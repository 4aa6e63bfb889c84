import Foundation
import Testing
import Telemetry
@testable import Exporters

/// The exact bytes the `file`, `stdout` and `http` exporters write for each signal, against
/// fixtures under Fixtures/json (read via `#filePath`, like the other fixture tests). After
/// a deliberate format change, regenerate them with `OUTRIDER_UPDATE_GOLDEN=1` and review
/// the diff.
@Suite("JSON: golden output per signal")
struct JSONGoldenTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/json")

    /// 2026-11-24T12:00:00Z.
    static let noon: Int64 = 1_795_521_600 * 1_000_000_000

    static func time(_ offsetNanoseconds: Int64) -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: noon + offsetNanoseconds)
    }

    static let traceID = TraceID(high: 0x4bf9_2f35_77b3_4da6, low: 0xa3ce_929d_0e0e_4736)
    static let spanID = SpanID(0x00f0_67aa_0ba9_02b7)

    static let resource = Resource(attributes: [
        "service.name": "checkout", "k8s.pod.name": "checkout-7d9f-x2x4q", "k8s.namespace.name": "shop",
    ])

    /// Every attribute type, nested maps and arrays, and values that need escaping.
    static let allTypes: Attributes = Attributes([
        (key: "http.method", value: "GET"),
        (key: "ok", value: true),
        (key: "retries", value: .int(-3)),
        (key: "int.min", value: .int(.min)),
        (key: "ratio", value: 0.25),
        (key: "whole", value: .double(2)),
        (key: "not.a.number", value: .double(.nan)),
        (key: "too.big", value: .double(.infinity)),
        (key: "raw", value: .bytes([0x00, 0x01, 0xFE, 0xFF])),
        (key: "list", value: .array([1, "two", false, .array([]), .map(["k": "v"])])),
        (key: "nested", value: .map(Attributes([(key: "deeper", value: .map(["leaf": .double(-1.5e-7)]))]))),
        (key: "quote\"key", value: "tab\there"),
    ])

    /// Quotes, backslashes, control characters, DEL, emoji, accents and each kind of
    /// invalid UTF-8: a stray continuation, a truncated sequence, a surrogate, an overlong,
    /// a byte that never appears in UTF-8.
    static let hostileBody: [UInt8] = Array("say \"hi\" C:\\temp\n\tline2\r\u{01}\u{1F}\u{7F} 😀 é ".utf8)
        + [0x80, 0x20, 0xE2, 0x82, 0x20, 0xED, 0xA0, 0x80, 0x20, 0xC0, 0xAF, 0x20, 0xFF]
        + Array(" end".utf8)

    static let logs = TelemetryBatch.logs([
        LogRecord(
            timestamp: time(123_456_789), observedTimestamp: time(2_000_000_001),
            severity: Severity(number: 13, text: "warning"), body: hostileBody, attributes: allTypes,
            traceID: traceID, spanID: spanID, flags: 1),
        // Nothing optional: no timestamp, no severity, no ids, empty body.
        LogRecord(observedTimestamp: time(0), body: []),
        // A number without text takes the range name; all-zero ids count as absent.
        LogRecord(
            timestamp: Timestamp(nanosecondsSinceEpoch: -1), observedTimestamp: time(5), severity: Severity(number: 18),
            body: Array("plain".utf8), traceID: TraceID(high: 0, low: 0), spanID: spanID),
    ], resource: resource)

    static let metrics = TelemetryBatch.metrics(MetricBatch(families: [
        MetricFamily(name: "node_cpu_seconds_total", help: "Seconds the CPUs spent in each mode.", kind: .counter, unit: "s",
                     samples: [
                        MetricSample(labels: ["cpu": "0", "mode": "idle"], value: 12345.67),
                        MetricSample(labels: ["cpu": "0", "mode": "user"], value: 42),
                     ]),
        MetricFamily(name: "empty_family", help: "", kind: .gauge),
        MetricFamily(name: "edge_values", help: "", kind: .gauge, samples: [
            MetricSample(labels: ["case": "nan"], value: .nan),
            MetricSample(labels: ["case": "+inf"], value: .infinity),
            MetricSample(labels: ["case": "-inf"], value: -.infinity),
            MetricSample(labels: ["case": "negative zero"], value: -0.0),
            MetricSample(labels: ["case": "tiny"], value: 1e-7),
            MetricSample(labels: ["case": "huge"], value: 1e300),
            MetricSample(labels: ["case": "2^60"], value: 0x1p60),
            MetricSample(labels: ["case": "2^64"], value: 0x1p64),
            MetricSample(labels: ["case": "negative"], value: -273.15),
            MetricSample(labels: [:], value: 1),
            MetricSample(labels: ["path": "C:\\new\n\"dir\""], value: 3),
        ]),
    ], timestamp: time(500_000_000)), resource: resource)

    static let spans = TelemetryBatch.spans([
        Span(
            traceID: traceID, spanID: SpanID(0x1111_2222_3333_4444), parentSpanID: spanID, traceState: "rojo=00f067aa0ba902b7",
            flags: 1, name: "GET /cart/\"items\"", kind: .server, start: time(0), end: time(1_500_000),
            attributes: allTypes,
            events: [
                Span.Event(name: "exception", timestamp: time(1_000_000),
                           attributes: ["exception.message": "boom\nat line 3", "exception.escaped": false]),
                Span.Event(name: "retry", timestamp: time(1_200_000)),
            ],
            links: [
                Span.Link(traceID: TraceID(high: 1, low: 2), spanID: SpanID(3), traceState: "congo=t61rcWkgMzE",
                          attributes: ["link.kind": "follows_from"]),
                Span.Link(traceID: traceID, spanID: SpanID(0xFFFF_FFFF_FFFF_FFFF)),
            ],
            status: Span.Status(code: .error, message: "upstream \"cart\" timed out")),
        // A root span: no parent, no trace state, nothing attached, status unset.
        Span(traceID: traceID, spanID: spanID, flags: 0, name: "root", kind: .unspecified,
             start: Timestamp(nanosecondsSinceEpoch: 0), end: Timestamp(nanosecondsSinceEpoch: .max)),
    ], resource: resource)

    static let batches = ["logs": logs, "metrics": metrics, "spans": spans]

    @Test("each signal as JSON lines matches its golden file and parses line by line", arguments: ["logs", "metrics", "spans"])
    func golden(name: String) throws {
        let batch = try #require(Self.batches[name])
        let output = try JSONLinesEncoder().encode([batch])
        try Self.compare(output, toFixture: "\(name).jsonl")
        let events = try JSONValidator.events(output, framing: .lines)
        #expect(events == nil || events?.count == batch.eventCount)
    }

    @Test("a strict parser reads back the body as Swift decodes it, and 64-bit values exactly")
    func readBack() throws {
        guard let lines = try JSONValidator.events(try JSONLinesEncoder().encode([Self.logs, Self.spans]), framing: .lines)
        else { return }
        let objects = try lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        try #require(objects.count == 5)
        #expect(objects[0]["body"] as? String == String(decoding: Self.hostileBody, as: UTF8.self))
        #expect((objects[0]["attributes"] as? [String: Any])?["int.min"] as? Int == Int(Int64.min))
        #expect(objects[1]["timestamp"] == nil && objects[1]["trace_id"] == nil && objects[1]["span_id"] == nil)
        #expect(objects[4]["endTimeUnixNano"] as? String == String(Int64.max))
        #expect(objects[4]["parentSpanId"] == nil && objects[4]["traceState"] == nil)
    }

    static func compare(_ output: [UInt8], toFixture name: String) throws {
        let path = fixtures.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["OUTRIDER_UPDATE_GOLDEN"] == "1" {
            try Data(output).write(to: path)
            return
        }
        let expected = try [UInt8](Data(contentsOf: path))
        guard output != expected else { return }
        let got = String(decoding: output, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let want = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let line = (0..<min(got.count, want.count)).first { got[$0] != want[$0] } ?? min(got.count, want.count)
        Issue.record("""
            \(name) differs at line \(line + 1):
              got:  \(line < got.count ? got[line] : "<end>")
              want: \(line < want.count ? want[line] : "<end>")
            """)
    }
}
