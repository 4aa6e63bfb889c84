import Testing
@testable import Pipeline
import Telemetry

/// The OTLP fields a disk buffer must not lose: 32-bit span and link flags, dropped counts,
/// scope attributes, schema URLs, log event names, integer metric values and up-down counters.
@Suite("BatchCodec: OTLP fidelity fields")
struct BatchCodecFidelityTests {
    static func ts(_ nanoseconds: Int64) -> Timestamp { Timestamp(nanosecondsSinceEpoch: nanoseconds) }

    static let detailed = InstrumentationScope(
        name: "checkout.instrumentation", version: "0.1.0", attributes: ["scope.kind": "web", "shard": 2],
        schemaURL: "https://opentelemetry.io/schemas/1.24.0")
    static let urlOnly = InstrumentationScope(name: "only-url", schemaURL: "https://example.com/s")
    static let plain = InstrumentationScope(name: "plain", version: "1")
    static let resource = Resource(attributes: ["service.name": "checkout"], schemaURL: "https://opentelemetry.io/schemas/1.21.0")

    static let spans: [Span] = {
        let trace = TraceID(high: 1, low: 2)
        return [
            Span(
                traceID: trace, spanID: SpanID(3), parentSpanID: SpanID(4), flags: 0x300, name: "remote parent", kind: .server,
                start: ts(1), end: ts(2), attributes: ["k": "v"],
                events: [Span.Event(name: "e", timestamp: ts(1), attributes: ["a": 1], droppedAttributesCount: 1),
                         Span.Event(name: "f", timestamp: ts(2))],
                links: [Span.Link(traceID: trace, spanID: SpanID(9), traceState: "x=y", flags: 0x301, droppedAttributesCount: 4),
                        Span.Link(traceID: trace, spanID: SpanID(8), flags: 0x100)],
                scope: detailed, droppedAttributesCount: 2, droppedEventsCount: 3, droppedLinksCount: .max),
            // Same scope as before: written once.
            Span(traceID: trace, spanID: SpanID(5), flags: 0xFFFF_FFFF, name: "every bit", start: ts(3), end: ts(4), scope: detailed),
            Span(traceID: trace, spanID: SpanID(6), flags: 0x101, name: "local parent", start: ts(5), end: ts(6), scope: urlOnly),
            // Only a link's dropped count, only an event's: each needs its flag bit alone.
            Span(traceID: trace, spanID: SpanID(7), name: "plain", start: ts(7), end: ts(8),
                 links: [Span.Link(traceID: trace, spanID: SpanID(1), droppedAttributesCount: 1)], scope: plain),
            Span(traceID: trace, spanID: SpanID(8), name: "event drop", start: ts(7), end: ts(8),
                 events: [Span.Event(name: "e", timestamp: ts(7), droppedAttributesCount: .max)], scope: detailed),
        ]
    }()

    static let logs: [LogRecord] = [
        LogRecord(observedTimestamp: ts(1), body: Array("event".utf8), flags: 1, scope: detailed,
                  eventName: "checkout.order_placed", droppedAttributesCount: 7),
        LogRecord(observedTimestamp: ts(2), body: Array("same scope, name only".utf8), scope: detailed, eventName: "x"),
        LogRecord(observedTimestamp: ts(3), body: Array("dropped only".utf8), scope: urlOnly, droppedAttributesCount: .max),
        LogRecord(observedTimestamp: ts(4), body: Array("plain".utf8), scope: plain),
        LogRecord(observedTimestamp: ts(5), body: Array("back to the detailed scope".utf8), scope: detailed),
    ]

    static let metrics: MetricBatch = {
        var gauge = MetricFamily(name: "queue_depth", help: "", kind: .gauge, scope: detailed)
        gauge.samples = [.max, -.max, .min, (1 << 53) + 1, -((1 << 53) + 1), 0, -1].map {
            MetricSample(labels: ["q": "\($0)"], number: .int($0))
        }
        gauge.samples.append(MetricSample(labels: ["q": "float"], number: .double(9_007_199_254_740_992)))
        gauge.samples.append(MetricSample(labels: ["q": "negative zero"], value: -0.0, timestamp: ts(9)))
        var counter = MetricFamily(name: "orders_total", help: "Orders.", kind: .counter, scope: urlOnly)
        counter.samples = [MetricSample(labels: [:], number: .int(9_007_199_254_740_993), startTimestamp: ts(1))]
        var latency = MetricFamily(name: "latency", help: "", kind: .histogram, scope: detailed)
        latency.samples = [MetricSample(labels: [:], histogram: HistogramValue(bounds: [1], counts: [1, 2], sum: 4.5, count: 3))]
        let unscoped = MetricFamily(name: "host", help: "", kind: .gauge, samples: [MetricSample(labels: [:], number: .int(3))])
        let upDown = MetricFamily(name: "in_flight", help: "", kind: .upDownCounter, samples: [MetricSample(labels: [:], number: .int(-2))])
        return MetricBatch(families: [gauge, counter, latency, unscoped, upDown], timestamp: ts(10))
    }()

    static var batches: [TelemetryBatch] {
        [.spans(spans, resource: resource), .logs(logs, resource: resource), .metrics(metrics, resource: resource),
         .spans(spans), .logs(logs, resource: Resource(schemaURL: "https://only.example/schema"))]
    }

    @Test("every fidelity field survives a round trip, in every combination of flag bits")
    func roundTrip() throws {
        for batch in Self.batches {
            let decoded = try BatchCodec.decode(BatchCodec.encode(batch))
            #expect(decoded == batch)
            #expect(BatchCodec.encode(decoded) == BatchCodec.encode(batch))
        }
        guard case .metrics(let metrics) = try BatchCodec.decode(BatchCodec.encode(.metrics(Self.metrics))).payload else {
            Issue.record("not metrics")
            return
        }
        #expect(metrics.families[0].samples[0].number == .int(.max))
        #expect(metrics.families[1].samples[0].number == .int(9_007_199_254_740_993))
        #expect(metrics.families[0].samples[8].value.sign == .minus, "a float stays a float, bit for bit")
    }

    @Test("every truncation of a record with the new fields throws, never traps")
    func truncation() {
        for batch in Self.batches {
            let bytes = BatchCodec.encode(batch)
            for length in 0..<bytes.count {
                #expect(throws: BatchCodecError.self) { try BatchCodec.decode(Array(bytes[0..<length])) }
            }
        }
    }

    /// One span's bytes: root, no attributes, events or links; its flags byte, what follows
    /// the trace flags byte, its scope bytes (empty name and version unless given) and what
    /// follows them.
    static func span(flags: UInt8, afterTraceFlags: [UInt8] = [], scope: [UInt8] = [0, 0], tail: [UInt8] = []) -> [UInt8] {
        var bytes = [flags] + [UInt8](repeating: 1, count: 24) + [0]  // flags, trace id, span id, empty trace state
        bytes += [0] + afterTraceFlags  // trace flags byte
        bytes += [0, 1] + [UInt8](repeating: 0, count: 16)  // name, kind, start, end
        bytes += [0, 0, 0, 0, 0]  // attributes, events, links, status code, status message
        return bytes + scope + tail
    }

    /// A version-1 spans record of those spans, without resource attributes. The first span's
    /// flags byte is at offset 6, its trace flags byte at 32.
    static func record(_ spans: [UInt8]...) -> [UInt8] {
        [1, UInt8(spans.count), 0, 2, 0, UInt8(spans.count)] + spans.flatMap { $0 }
    }

    @Test("values beyond OTLP's 32 bits, and flag bits that contradict each other, are refused")
    func garbage() throws {
        // The hand-built records decode with in-range values.
        let wide = try BatchCodec.decode(Self.record(Self.span(flags: 0x04, afterTraceFlags: [0x03])))
        #expect(wide == .spans([Span(traceID: TraceID(high: 0x0101_0101_0101_0101, low: 0x0101_0101_0101_0101),
                                     spanID: SpanID(0x0101_0101_0101_0101), flags: 0x300, name: "", kind: .internal,
                                     start: Self.ts(0), end: Self.ts(0))]))
        let dropped = try BatchCodec.decode(Self.record(Self.span(flags: 0x10, tail: [0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0, 0])))
        guard case .spans(let spans) = dropped.payload else {
            Issue.record("not spans")
            return
        }
        #expect(spans.first?.droppedAttributesCount == .max)
        // Span flags' high bits: 2^24 does not fit above the trace flags byte.
        #expect(throws: BatchCodecError.outOfRange(field: "span flags high bits", offset: 33, value: 1 << 24)) {
            try BatchCodec.decode(Self.record(Self.span(flags: 0x04, afterTraceFlags: [0x80, 0x80, 0x80, 0x08])))
        }
        // A dropped count of 2^32 (after the 52 bytes of the span up to its scope).
        #expect(throws: BatchCodecError.outOfRange(field: "span dropped attributes count", offset: 58, value: 1 << 32)) {
            try BatchCodec.decode(Self.record(Self.span(flags: 0x10, tail: [0x80, 0x80, 0x80, 0x80, 0x10, 0, 0])))
        }
        // Bits this version does not define.
        #expect(throws: BatchCodecError.badTag(field: "span flags", offset: 6, tag: 0x40)) {
            try BatchCodec.decode(Self.record(Self.span(flags: 0x40)))
        }
        // "Extended scope follows" together with "same scope as before", on the second span.
        #expect(throws: BatchCodecError.badTag(field: "span flags", offset: 58, tag: 0x22)) {
            try BatchCodec.decode(Self.record(Self.span(flags: 0), Self.span(flags: 0x22, scope: [])))
        }
        #expect(throws: Never.self) { try BatchCodec.decode(Self.record(Self.span(flags: 0), Self.span(flags: 0x02, scope: []))) }
        // A metric family's kind byte (offset 17) claiming scope details without a scope.
        let family: [UInt8] = [1, 0, 0, 1, 0] + [UInt8](repeating: 0, count: 8) + [1, 1, 0x6D, 0, 0x41, 0, 0]
        #expect(throws: BatchCodecError.badTag(field: "metric kind", offset: 17, tag: 0x41)) { try BatchCodec.decode(family) }
    }
}
