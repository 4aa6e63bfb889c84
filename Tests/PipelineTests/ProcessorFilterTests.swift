import Testing
import Telemetry
@testable import Pipeline

@Suite("FilterProcessor")
struct ProcessorFilterTests {
    static let now = Timestamp(nanosecondsSinceEpoch: 1_700_000_000_000_000_000)

    static func log(_ body: String, _ severity: Severity = .unspecified, _ attributes: Attributes = Attributes()) -> LogRecord {
        LogRecord(observedTimestamp: now, severity: severity, body: Array(body.utf8), attributes: attributes)
    }

    static func bodies(_ batch: TelemetryBatch) -> [String] {
        guard case .logs(let records) = batch.payload else { return [] }
        return records.map { String(decoding: $0.body, as: UTF8.self) }
    }

    static func span(_ name: String, _ attributes: Attributes) -> Span {
        Span(traceID: TraceID(high: 1, low: 1), spanID: SpanID(1), name: name, start: now, end: now, attributes: attributes)
    }

    @Test("min_severity drops records below it by number; unspecified is kept by default")
    func minSeverity() {
        let filter = FilterProcessor(name: "f", minSeverity: .warn)
        var batch = TelemetryBatch.logs([
            Self.log("trace", .trace), Self.log("debug", .debug), Self.log("info", Severity(number: 12, text: "INFO4")),
            Self.log("warn", .warn), Self.log("warn2", Severity(number: 14)), Self.log("error", .error),
            Self.log("fatal", .fatal), Self.log("plain"),
        ])
        filter.process(&batch)
        #expect(Self.bodies(batch) == ["warn", "warn2", "error", "fatal", "plain"])
        #expect(filter.dropped.snapshot == ["severity": 3, "attribute": 0])
    }

    @Test("drop_unspecified drops records without a severity, with or without a minimum")
    func dropUnspecified() {
        var batch = TelemetryBatch.logs([Self.log("plain"), Self.log("info", .info), Self.log("debug", .debug)])
        let filter = FilterProcessor(name: "f", minSeverity: .info, dropUnspecified: true)
        filter.process(&batch)
        #expect(Self.bodies(batch) == ["info"])
        #expect(filter.dropped["severity"] == 2)

        var only = TelemetryBatch.logs([Self.log("plain"), Self.log("debug", .debug)])
        FilterProcessor(name: "g", dropUnspecified: true).process(&only)
        #expect(Self.bodies(only) == ["debug"])
    }

    @Test("equals, in and exists on log attributes; each drop counted once, severity first")
    func attributeRules() {
        let filter = FilterProcessor(name: "f", minSeverity: .info, rules: [
            .attribute("http.target", equals: "/healthz"),
            .attribute("http.response.status_code", in: ["204", "304"]),
            .attribute(exists: "synthetic"),
        ])
        var batch = TelemetryBatch.logs([
            Self.log("health", .info, ["http.target": "/healthz"]),
            Self.log("orders", .info, ["http.target": "/orders"]),
            Self.log("no content", .info, ["http.response.status_code": 204]),
            Self.log("ok", .info, ["http.response.status_code": 200]),
            Self.log("probe", .info, ["synthetic": false]),
            Self.log("debug health", .debug, ["http.target": "/healthz"]),
            Self.log("no attributes", .info),
        ])
        filter.process(&batch)
        #expect(Self.bodies(batch) == ["orders", "ok", "no attributes"])
        #expect(filter.dropped.snapshot == ["severity": 1, "attribute": 3])
    }

    @Test("config text compares with typed values by meaning")
    func typedValues() {
        let rule = FilterRule.attribute("v", in: ["200", "true", "0.5", "text"])
        #expect(rule.matches(["v": 200]))
        #expect(rule.matches(["v": "200"]))
        #expect(rule.matches(["v": true]))
        #expect(rule.matches(["v": 0.5]))
        #expect(rule.matches(["v": "text"]))
        #expect(!rule.matches(["v": 201]))
        #expect(!rule.matches(["v": false]))
        #expect(!rule.matches(["v": "TEXT"]), "strings compare exactly")
        #expect(!rule.matches(["v": .array(["200"])]), "composite values never equal config text")
        #expect(!rule.matches(["other": 200]))
        #expect(FilterRule.attribute(exists: "v").matches(["v": .map([:])]))
        #expect(FilterRule.attribute("a", equals: "x") == FilterRule(attribute: "a", .equals("x")))
    }

    @Test("spans are dropped by attribute rules; min_severity does not apply to them")
    func spans() {
        let filter = FilterProcessor(name: "f", minSeverity: .fatal, rules: [.attribute("http.route", equals: "/healthz")])
        var batch = TelemetryBatch.spans([
            Self.span("GET /healthz", ["http.route": "/healthz"]), Self.span("GET /orders", ["http.route": "/orders"]),
        ])
        filter.process(&batch)
        guard case .spans(let spans) = batch.payload else { return }
        #expect(spans.map(\.name) == ["GET /orders"])
        #expect(filter.dropped["attribute"] == 1)
    }

    @Test("metric samples are dropped by label; a family left without samples goes too")
    func metrics() {
        var requests = MetricFamily(name: "http_requests_total", help: "", kind: .counter)
        requests.add(5, ["path": "/healthz", "code": "200"])
        requests.add(7, ["path": "/orders", "code": "200"])
        var probes = MetricFamily(name: "probe_success", help: "", kind: .gauge)
        probes.add(1, ["path": "/healthz"])
        var cpu = MetricFamily(name: "node_cpu_seconds_total", help: "", kind: .counter)
        cpu.add(1, ["cpu": "0", "mode": "idle"])
        var batch = TelemetryBatch.metrics(MetricBatch(families: [requests, probes, cpu], timestamp: Self.now))
        let filter = FilterProcessor(name: "f", rules: [.attribute("path", equals: "/healthz")])
        filter.process(&batch)
        guard case .metrics(let metrics) = batch.payload else { return }
        #expect(metrics.families.map(\.name) == ["http_requests_total", "node_cpu_seconds_total"])
        #expect(metrics.families[0].samples.map(\.value) == [7])
        #expect(metrics.timestamp == Self.now)
        #expect(batch.eventCount == 2)
        #expect(filter.dropped["attribute"] == 2)
    }

    @Test("a filter with nothing configured changes nothing")
    func passThrough() {
        let original = TelemetryBatch.logs([Self.log("plain"), Self.log("debug", .debug, ["k": "v"])])
        var batch = original
        let filter = FilterProcessor(name: "f")
        filter.process(&batch)
        #expect(batch == original)
        #expect(filter.dropped.total == 0)
        #expect(filter.counters.first?.metric == "outrider_filter_dropped_total")
        #expect(filter.counters.first?.label == "reason")
    }

    @Test("everything filtered leaves an empty batch, which the source output does not buffer")
    func everything() {
        var batch = TelemetryBatch.logs([Self.log("a", .debug), Self.log("b", .trace)])
        FilterProcessor(name: "f", minSeverity: .info).process(&batch)
        #expect(batch.isEmpty)
    }
}
