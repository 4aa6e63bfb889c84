import Telemetry

/// Telemetry that uses every field the model has, with the awkward values (unicode,
/// invalid UTF-8, nested attributes, extremes), shared by the round-trip tests.
enum OTLPSamples {
    static let traceID = TraceID(high: 0x0102_0304_0506_0708, low: 0x090A_0B0C_0D0E_0F10)
    static let otherTraceID = TraceID(high: 0xFFEE_DDCC_BBAA_9988, low: 0x7766_5544_3322_1100)
    static let spanID = SpanID(0x1112_1314_1516_1718)
    static let parentID = SpanID(0xA1A2_A3A4_A5A6_A7A8)
    static let now = Timestamp(nanosecondsSinceEpoch: 1_700_000_000_123_456_789)
    static let scope = InstrumentationScope(name: "io.opentelemetry.checkout", version: "1.2.3")
    static let otherScope = InstrumentationScope(name: "déjà-vu/ü", version: "")

    static let nested: Attributes = [
        "http.method": "GET",
        "": "empty key",
        "unicode": "日本語 ✓ 🚀",
        "ok": true,
        "no": false,
        "min": .int(Int64.min),
        "max": .int(Int64.max),
        "pi": 3.141592653589793,
        "inf": .double(-.infinity),
        "tiny": .double(Double.leastNonzeroMagnitude),
        "bytes": .bytes([0x00, 0xFF, 0x10, 0x80]),
        "empty bytes": .bytes([]),
        "empty string": "",
        "list": .array([1, "two", .array([true, .double(2.5)]), .map(["k": "v"]), .array([])]),
        "map": .map(["inner": .map(["deep": .bytes([1, 2, 3]), "n": 7]), "empty": .map(Attributes())]),
    ]

    static let resource = Resource(attributes: [
        "service.name": "checkout", "k8s.pod.name": "checkout-7d9f", "k8s.namespace.name": "shop", "replica": 3,
    ])
    static let otherResource = Resource(attributes: ["service.name": "späti", "tags": .array(["a", "b"])])

    static func at(_ offset: Int64) -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: now.nanosecondsSinceEpoch + offset)
    }

    static let logs: [TelemetryBatch] = [
        .logs([
            LogRecord(
                timestamp: at(-5), observedTimestamp: now, severity: Severity(number: 17, text: "ERROR"),
                body: Array("héllo wörld 🚀\n\t\"quoted\" \\ \u{0}".utf8), attributes: nested, traceID: traceID, spanID: spanID,
                flags: 1, scope: scope),
            // Not UTF-8: goes as bytes and comes back byte for byte.
            LogRecord(observedTimestamp: at(1), body: [0xC3, 0x28, 0xFF, 0x61, 0xED, 0xA0, 0x80], scope: scope),
            LogRecord(
                timestamp: at(2), observedTimestamp: at(3), severity: Severity(number: 24, text: "FATAL4"), body: [],
                traceID: otherTraceID, flags: 0xFF, scope: scope),
            LogRecord(observedTimestamp: at(4), severity: .warn, body: Array("other scope".utf8), spanID: parentID, scope: otherScope),
            LogRecord(observedTimestamp: at(5), severity: Severity(number: 9, text: "information"), body: Array("no scope".utf8)),
        ], resource: resource),
        .logs([LogRecord(observedTimestamp: at(6), body: Array("second resource".utf8))], resource: otherResource),
        .logs([LogRecord(observedTimestamp: at(7), body: Array("empty resource".utf8))]),
    ]

    static let spans: [TelemetryBatch] = [
        .spans([
            Span(
                traceID: traceID, spanID: spanID, traceState: "vendor=a,other=b:c", flags: 1, name: "GET /checkout ✓",
                kind: .server, start: at(-1_000_000), end: now, attributes: nested,
                events: [
                    Span.Event(name: "exception", timestamp: at(-500), attributes: ["exception.message": "boom\n", "code": 42]),
                    Span.Event(name: "", timestamp: at(-400)),
                ],
                links: [
                    Span.Link(traceID: otherTraceID, spanID: parentID, traceState: "x=y", attributes: ["link.kind": "follows"]),
                    Span.Link(traceID: traceID, spanID: SpanID(1)),
                ],
                status: Span.Status(code: .error, message: "payment declined: ünknown"), scope: scope),
            Span(
                traceID: traceID, spanID: SpanID(UInt64.max), parentSpanID: spanID, flags: 0, name: "SELECT", kind: .client,
                start: at(-900_000), end: at(-100_000), status: Span.Status(code: .ok), scope: scope),
            Span(
                traceID: otherTraceID, spanID: parentID, name: "", kind: .unspecified, start: at(1), end: at(1),
                status: Span.Status(code: .unset, message: "unset but explained"), scope: otherScope),
            Span(traceID: otherTraceID, spanID: SpanID(2), name: "internal", kind: .internal, start: at(2), end: at(3)),
            Span(traceID: otherTraceID, spanID: SpanID(3), name: "producer", kind: .producer, start: at(2), end: at(3)),
            Span(traceID: otherTraceID, spanID: SpanID(4), name: "consumer", kind: .consumer, start: at(2), end: at(3)),
        ], resource: resource),
        .spans([Span(traceID: traceID, spanID: SpanID(9), name: "elsewhere", start: at(5), end: at(6))], resource: otherResource),
    ]

    static let histogram = HistogramValue(
        bounds: [0.005, 0.01, 0.1, 1, 10], counts: [1, 0, 5, 3, 0, 2], sum: 27.125, count: 11, min: 0.001, max: 17.5)

    static let metrics: [TelemetryBatch] = [
        .metrics(MetricBatch(families: [
            MetricFamily(
                name: "http_requests_total", help: "Requests served. ✓", kind: .counter, unit: "1",
                samples: [
                    MetricSample(labels: ["method": "GET", "code": "200"], value: 1027),
                    MetricSample(labels: ["method": "POST", "code": "500", "path": "/ü"], value: 3, timestamp: at(-10),
                                 startTimestamp: at(-1_000_000_000)),
                ], scope: scope),
            MetricFamily(
                name: "node_memory_MemAvailable_bytes", help: "", kind: .gauge, unit: "By",
                samples: [
                    MetricSample(labels: Labels(), value: 8.5e9),
                    MetricSample(labels: ["edge": "negative"], value: -0.25),
                    MetricSample(labels: ["edge": "infinite"], value: .infinity),
                    MetricSample(labels: ["edge": "tiny"], value: Double.leastNonzeroMagnitude),
                ]),
            // Without samples, and in the same (empty) scope as the gauge: comes back in place.
            MetricFamily(name: "empty_family", help: "no samples yet", kind: .counter),
            MetricFamily(
                name: "http_request_duration_seconds", help: "Latency.", kind: .histogram, unit: "s",
                samples: [
                    MetricSample(labels: ["route": "/checkout"], histogram: histogram, startTimestamp: at(-60_000_000_000)),
                    MetricSample(
                        labels: ["route": "/cart"],
                        histogram: HistogramValue(bounds: [1, 2], counts: [0, 0, 0], sum: 0, count: 0), timestamp: at(-20)),
                    MetricSample(labels: ["route": "/none"], histogram: HistogramValue(bounds: [], counts: [], sum: 0, count: 0)),
                    MetricSample(labels: ["route": "/one"], histogram: HistogramValue(bounds: [], counts: [4], sum: -2.5, count: 4, max: -0.5)),
                ], scope: otherScope),
        ], timestamp: now), resource: resource),
        .metrics(MetricBatch(families: [
            MetricFamily(name: "up", help: "", kind: .gauge, samples: [MetricSample(labels: ["job": "x"], value: 1)]),
        ], timestamp: at(1_000)), resource: otherResource),
    ]
}
