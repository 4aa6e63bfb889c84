import Telemetry

/// What the OTLP exporter tests send: each signal with the fields a backend checks (ids,
/// severities, nested attributes, every metric kind incl. a histogram with min/max), and
/// the awkward values (unicode, a body that is not UTF-8).
enum OTLPExportSamples {
    static let traceID = TraceID(high: 0x4bf9_2f35_77b3_4da6, low: 0xa3ce_929d_0e0e_4736)
    static let spanID = SpanID(0x00f0_67aa_0ba9_02b7)
    static let childID = SpanID(0x5fb3_97be_34d2_6b51)
    static let linkedTraceID = TraceID(high: 0x0102_0304_0506_0708, low: 0x090a_0b0c_0d0e_0f10)
    /// 2026-11-24T12:00:00Z.
    static let noon = Timestamp(nanosecondsSinceEpoch: 1_795_521_600_000_000_000)
    static let scope = InstrumentationScope(name: "io.opentelemetry.checkout", version: "1.4.0")

    static func at(_ offset: Int64) -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: noon.nanosecondsSinceEpoch + offset)
    }

    static let resource = Resource(attributes: [
        "service.name": "checkout", "k8s.pod.name": "checkout-7d9f-x2x4q", "k8s.namespace.name": "shop",
    ])

    static let attributes: Attributes = [
        "http.method": "GET", "http.status_code": 503, "retry": true, "ratio": 0.25, "raw": .bytes([0x00, 0xFF]),
        "tags": .array(["a", 1, .array([false])]), "ctx": .map(["user": .map(["id": 42, "name": "zoë ✓"])]),
    ]

    static let invalidUTF8: [UInt8] = [0x66, 0x6F, 0x80, 0xFF, 0xED, 0xA0, 0x80]

    static let logs = TelemetryBatch.logs([
        LogRecord(
            timestamp: at(-1_000), observedTimestamp: noon, severity: Severity(number: 17, text: "ERROR"),
            body: Array("payment failed: ünknown card 💳\n".utf8), attributes: attributes, traceID: traceID, spanID: spanID,
            flags: 1, scope: scope),
        LogRecord(observedTimestamp: at(1), severity: Severity(number: 24, text: "FATAL4"), body: invalidUTF8, scope: scope),
        LogRecord(observedTimestamp: at(2), severity: .warn, body: Array("no scope, no ids".utf8)),
    ], resource: resource)

    static let histogram = HistogramValue(
        bounds: [0.005, 0.01, 0.1, 1, 10], counts: [1, 0, 5, 3, 0, 2], sum: 27.125, count: 11, min: 0.001, max: 17.5)

    static let metrics = TelemetryBatch.metrics(MetricBatch(families: [
        MetricFamily(
            name: "http_requests_total", help: "Requests served.", kind: .counter, unit: "1",
            samples: [
                MetricSample(labels: ["method": "GET", "code": "200"], value: 1027, startTimestamp: at(-3_600_000_000_000)),
                MetricSample(labels: ["method": "POST", "code": "503"], value: 3),
            ], scope: scope),
        MetricFamily(
            name: "http_request_duration_seconds", help: "Latency.", kind: .histogram, unit: "s",
            samples: [
                MetricSample(labels: ["route": "/checkout"], histogram: histogram, startTimestamp: at(-60_000_000_000)),
                MetricSample(labels: ["route": "/cart"], histogram: HistogramValue(bounds: [1], counts: [2, 0], sum: 0.5, count: 2),
                             timestamp: at(-5)),
            ], scope: scope),
        // Last: it has no scope, so the request groups it after the two scoped families.
        MetricFamily(
            name: "node_memory_MemAvailable_bytes", help: "Memory available.", kind: .gauge, unit: "By",
            samples: [MetricSample(labels: Labels(), value: 8.5e9), MetricSample(labels: ["edge": "inf"], value: -.infinity)]),
    ], timestamp: noon), resource: resource)

    static let spans = TelemetryBatch.spans([
        Span(
            traceID: traceID, spanID: spanID, traceState: "vendor=a", flags: 1, name: "GET /checkout", kind: .server,
            start: at(-2_000_000), end: noon, attributes: attributes,
            events: [Span.Event(name: "exception", timestamp: at(-1_000_000), attributes: ["exception.message": "declined"])],
            links: [Span.Link(traceID: linkedTraceID, spanID: childID, traceState: "x=y", attributes: ["link": "batch"])],
            status: Span.Status(code: .error, message: "payment declined"), scope: scope),
        Span(
            traceID: traceID, spanID: childID, parentSpanID: spanID, flags: 1, name: "SELECT orders", kind: .client,
            start: at(-1_500_000), end: at(-1_200_000), status: Span.Status(code: .ok), scope: scope),
    ], resource: resource)

    static func batch(_ signal: Signal) -> TelemetryBatch {
        switch signal {
        case .logs: logs
        case .metrics: metrics
        case .traces: spans
        }
    }
}
