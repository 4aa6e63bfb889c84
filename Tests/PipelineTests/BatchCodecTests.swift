import Testing
@testable import Pipeline
import Telemetry

@Suite("BatchCodec: round trips")
struct BatchCodecTests {
    static func ts(_ nanoseconds: Int64) -> Timestamp { Timestamp(nanosecondsSinceEpoch: nanoseconds) }

    static let nested: Attributes = [
        "s": "text ✓ ünïcödé", "b": true, "f": false, "i": .int(-42), "min": .int(.min), "max": .int(.max),
        "d": 3.25, "nan": .double(.nan), "bytes": .bytes([0, 255, 7]), "empty": "",
        "array": .array(["a", 1, .array([.bool(false)]), .map(["k": "v"])]),
        "map": .map(["inner": .map(["deeper": .array([])]), "x": .bytes([])]),
    ]

    static let resource = Resource(attributes: ["service.name": "checkout", "k8s.pod.name": "checkout-7d9f"])

    static func roundTrip(_ batch: TelemetryBatch) throws -> TelemetryBatch {
        let bytes = BatchCodec.encode(batch)
        let header = try BatchCodec.header(bytes)
        #expect(header.events == batch.eventCount && header.estimatedBytes == batch.estimatedBytes)
        return try BatchCodec.decode(bytes)
    }

    /// `==` on batches with NaN inside is false by definition; compare encodings instead,
    /// which carry the bit patterns.
    static func expectSameBits(_ lhs: TelemetryBatch, _ rhs: TelemetryBatch) {
        #expect(BatchCodec.encode(lhs) == BatchCodec.encode(rhs))
    }

    @Test("logs: every field, optional ones present and absent, scope and severity changes")
    func logs() throws {
        let trace = TraceID(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210)
        let records = [
            LogRecord(
                timestamp: Self.ts(1_700_000_000_123_456_789), observedTimestamp: Self.ts(1_700_000_000_200_000_000),
                severity: Severity(number: 13, text: "warning"), body: Array("disk almost full".utf8),
                attributes: Self.nested, traceID: trace, spanID: SpanID(0xAABB_CCDD_EEFF_0011), flags: 1,
                scope: InstrumentationScope(name: "io.opentelemetry.java", version: "1.32.0")),
            LogRecord(observedTimestamp: Self.ts(-5), body: []),
            LogRecord(
                observedTimestamp: Self.ts(.max), severity: Severity(number: 13, text: "warning"), body: [0, 0xFF, 0x0A],
                spanID: SpanID(1), flags: 0xFF, scope: InstrumentationScope(name: "io.opentelemetry.java", version: "1.32.0")),
            LogRecord(
                timestamp: Self.ts(.min), observedTimestamp: Self.ts(0), severity: .fatal, body: Array("x".utf8),
                traceID: TraceID(high: 0, low: 1), scope: InstrumentationScope(name: "other")),
            LogRecord(observedTimestamp: Self.ts(1), severity: Severity(number: 24, text: ""), body: Array("same scope".utf8),
                      scope: InstrumentationScope(name: "other")),
        ]
        let batch = TelemetryBatch.logs(records, resource: Self.resource)
        Self.expectSameBits(try Self.roundTrip(batch), batch)
        // Without NaN inside, plain equality holds too.
        var plain = records
        plain[0].attributes["nan"] = nil
        let plainBatch = TelemetryBatch.logs(plain, resource: Self.resource)
        #expect(try Self.roundTrip(plainBatch) == plainBatch)
    }

    @Test("a huge body and many records survive")
    func hugeBody() throws {
        let body = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var records = [LogRecord(observedTimestamp: Self.ts(1), body: body)]
        records += (0..<10_000).map { LogRecord(observedTimestamp: Self.ts(Int64($0)), severity: .info, body: Array("line \($0)".utf8)) }
        let batch = TelemetryBatch.logs(records)
        #expect(try Self.roundTrip(batch) == batch)
    }

    @Test("metrics: families, help, unit, kind, labels (shared and changing names), special values")
    func metrics() throws {
        var cpu = MetricFamily(name: "node_cpu_seconds_total", help: "Seconds the CPUs spent in each mode.", kind: .counter, unit: "s")
        cpu.add(12.5, ["cpu": "0", "mode": "idle"])
        cpu.add(0.25, ["cpu": "0", "mode": "user"])
        cpu.add(.nan, ["cpu": "1", "mode": "idle"])
        cpu.add(.infinity, ["mode": "idle", "cpu": "1"])  // same names, other order
        cpu.add(-.infinity, [:])
        cpu.add(-0.0, ["only": "one"])
        let empty = MetricFamily(name: "no_samples", help: "", kind: .gauge)
        var memory = MetricFamily(name: "node_memory_MemAvailable_bytes", help: "Memory ✓", kind: .gauge, unit: "By")
        memory.add(.greatestFiniteMagnitude)
        memory.add(Double(bitPattern: 0x7FF8_0000_DEAD_BEEF))  // a NaN with payload
        let batch = TelemetryBatch.metrics(
            MetricBatch(families: [cpu, empty, memory], timestamp: Self.ts(1_700_000_000_000_000_000)), resource: Self.resource)
        let decoded = try Self.roundTrip(batch)
        Self.expectSameBits(decoded, batch)
        guard case .metrics(let metrics) = decoded.payload else {
            Issue.record("not metrics")
            return
        }
        #expect(metrics.families.map(\.name) == ["node_cpu_seconds_total", "no_samples", "node_memory_MemAvailable_bytes"])
        #expect(metrics.families[0].samples[2].value.isNaN && metrics.families[0].samples[5].value.sign == .minus)
        #expect(metrics.families[0].samples[3].labels.pairs.map(\.name) == ["mode", "cpu"])
        #expect(metrics.families[2].samples[1].value.bitPattern == 0x7FF8_0000_DEAD_BEEF)
        #expect(metrics.families[1].kind == .gauge && metrics.families[2].unit == "By" && metrics.families[0].help == cpu.help)
    }

    @Test("metrics: histograms (bounds, counts, min/max), per-sample timestamps, family scope")
    func histogramsAndPointTimes() throws {
        var latency = MetricFamily(
            name: "http_server_duration_seconds", help: "Request latency.", kind: .histogram, unit: "s",
            scope: InstrumentationScope(name: "io.opentelemetry.http", version: "1.2"))
        latency.samples = [
            MetricSample(
                labels: ["route": "/checkout"],
                histogram: HistogramValue(bounds: [0.005, 0.1, 1], counts: [1, 5, 2, 1], sum: 3.75, count: 9, min: 0.001, max: 2.5),
                timestamp: Self.ts(1_700_000_000_500_000_000), startTimestamp: Self.ts(1_699_999_000_000_000_000)),
            MetricSample(labels: ["route": "/cart"], histogram: HistogramValue(bounds: [], counts: [], sum: 0, count: 0)),
        ]
        var requests = MetricFamily(name: "requests_total", help: "", kind: .counter)
        requests.samples = [MetricSample(labels: [:], value: 4, startTimestamp: Self.ts(5))]
        let batch = TelemetryBatch.metrics(
            MetricBatch(families: [latency, requests], timestamp: Self.ts(1_700_000_001_000_000_000)), resource: Self.resource)
        #expect(try Self.roundTrip(batch) == batch)
    }

    @Test("spans: parent, trace state, kind, events, links, status, scope")
    func spans() throws {
        let trace = TraceID(high: 1, low: 2)
        let spans = [
            Span(
                traceID: trace, spanID: SpanID(3), parentSpanID: SpanID(4), traceState: "vendor=abc,other=1", flags: 1,
                name: "GET /checkout", kind: .server, start: Self.ts(100), end: Self.ts(250), attributes: Self.nested,
                events: [Span.Event(name: "exception", timestamp: Self.ts(200), attributes: ["exception.type": "Timeout"]),
                         Span.Event(name: "empty", timestamp: Self.ts(-1))],
                links: [Span.Link(traceID: TraceID(high: 9, low: 9), spanID: SpanID(8), traceState: "k=v", attributes: ["n": 1]),
                        Span.Link(traceID: trace, spanID: SpanID(7))],
                status: Span.Status(code: .error, message: "upstream timed out"),
                scope: InstrumentationScope(name: "tracer", version: "2")),
            Span(traceID: trace, spanID: SpanID(5), name: "", kind: .unspecified, start: Self.ts(0), end: Self.ts(0),
                 status: Span.Status(code: .ok), scope: InstrumentationScope(name: "tracer", version: "2")),
            Span(traceID: trace, spanID: SpanID(6), flags: 0, name: "db", kind: .consumer, start: Self.ts(1), end: Self.ts(2)),
        ]
        let batch = TelemetryBatch.spans(spans, resource: Self.resource)
        Self.expectSameBits(try Self.roundTrip(batch), batch)
        var plain = spans
        plain[0].attributes["nan"] = nil
        let plainBatch = TelemetryBatch.spans(plain)
        #expect(try Self.roundTrip(plainBatch) == plainBatch)
    }

    @Test("empty batches of each kind, and an empty resource")
    func empty() throws {
        for batch in [TelemetryBatch.logs([]), .spans([]), .metrics(MetricBatch(families: [], timestamp: Self.ts(0)))] {
            #expect(try Self.roundTrip(batch) == batch)
            #expect(BatchCodec.encode(batch).count < 16)
        }
    }

    @Test("attribute nesting up to the limit decodes; deeper is refused, not a stack overflow")
    func nesting() throws {
        func nest(_ depth: Int) -> AttributeValue {
            var value: AttributeValue = "leaf"
            for level in 0..<depth { value = level.isMultiple(of: 2) ? .array([value]) : .map(["k": value]) }
            return value
        }
        let ok = TelemetryBatch.logs([LogRecord(observedTimestamp: Self.ts(0), body: [], attributes: ["deep": nest(BatchCodec.maxDepth)])])
        #expect(try Self.roundTrip(ok) == ok)
        let deep = TelemetryBatch.logs([LogRecord(observedTimestamp: Self.ts(0), body: [], attributes: ["deep": nest(BatchCodec.maxDepth + 1)])])
        #expect(throws: BatchCodecError.self) { try BatchCodec.decode(BatchCodec.encode(deep)) }
    }

    @Test("repeated scopes, severity texts and label names are written once")
    func compact() {
        let scope = InstrumentationScope(name: "a-rather-long-instrumentation-scope-name", version: "1.2.3")
        let records = (0..<100).map { LogRecord(observedTimestamp: Self.ts(Int64($0)), severity: .info, body: [], scope: scope) }
        let bytes = BatchCodec.encode(.logs(records))
        // flags + observed timestamp + severity number + body length + attribute count + trace flags
        #expect(bytes.count < 100 * 13 + 80)
    }
}
