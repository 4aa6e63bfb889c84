import Foundation
@testable import OTLP
import Telemetry
import Testing

/// What an OpenTelemetry SDK sends comes out of the agent as it came in: a request built as
/// the Python SDK builds it (32-bit span and link flags with the is-remote bits, `as_int`
/// points at the int64 extremes, scope attributes, schema URLs, event names, dropped
/// counts) goes OTLP → bytes → Telemetry → OTLP → bytes and parses back equal, message for
/// message.
@Suite("OTLP: fidelity, OTLP → Telemetry → OTLP")
struct OTLPFidelityTests {
    static let traceID = Data((1...16).map { UInt8($0) })
    static let otherTraceID = Data((1...16).map { UInt8(0xF0 | $0 & 0x0F) })
    static let spanID = Data([0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18])
    static let parentID = Data([0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8])
    static let time: UInt64 = 1_700_000_000_123_456_789
    static let resourceSchema = "https://opentelemetry.io/schemas/1.21.0"
    static let scopeSchema = "https://opentelemetry.io/schemas/1.24.0"

    static func value(_ build: (inout ProtoAnyValue) -> Void) -> ProtoAnyValue {
        var value = ProtoAnyValue()
        build(&value)
        return value
    }

    static func keyValue(_ key: String, _ build: (inout ProtoAnyValue) -> Void) -> ProtoKeyValue {
        var keyValue = ProtoKeyValue()
        keyValue.key = key
        keyValue.value = value(build)
        return keyValue
    }

    static let resource: ProtoResource = {
        var resource = ProtoResource()
        resource.attributes = [
            keyValue("service.name") { $0.stringValue = "checkout" }, keyValue("telemetry.sdk.language") { $0.stringValue = "python" },
        ]
        return resource
    }()

    static let scope: ProtoScope = {
        var scope = ProtoScope()
        scope.name = "checkout.instrumentation"
        scope.version = "0.1.0"
        scope.attributes = [keyValue("scope.kind") { $0.stringValue = "web" }, keyValue("shard") { $0.intValue = 2 }]
        return scope
    }()

    /// The attribute types an SDK sends: every `AnyValue` but the empty one.
    static let everyType: [ProtoKeyValue] = [
        keyValue("s") { $0.stringValue = "text ✓" }, keyValue("b") { $0.boolValue = true },
        keyValue("i") { $0.intValue = .min }, keyValue("d") { $0.doubleValue = 0.1 },
        keyValue("bytes") { $0.bytesValue = Data([0, 0xFF]) },
        keyValue("list") {
            var array = Opentelemetry_Proto_Common_V1_ArrayValue()
            array.values = [value { $0.stringValue = "a" }, value { $0.intValue = 1 }]
            $0.arrayValue = array
        },
    ]

    /// Parses what was serialized, as the receiving side does.
    static func wire(_ request: OTLPTraceRequest) throws -> OTLPTraceRequest {
        let bytes: [UInt8] = try request.serializedBytes()
        return try OTLPTraceRequest(serializedBytes: bytes)
    }

    static func wire(_ request: OTLPLogsRequest) throws -> OTLPLogsRequest {
        let bytes: [UInt8] = try request.serializedBytes()
        return try OTLPLogsRequest(serializedBytes: bytes)
    }

    static func wire(_ request: OTLPMetricsRequest) throws -> OTLPMetricsRequest {
        let bytes: [UInt8] = try request.serializedBytes()
        return try OTLPMetricsRequest(serializedBytes: bytes)
    }

    // MARK: - Traces

    static func traceRequest() -> OTLPTraceRequest {
        var child = ProtoSpan()
        child.traceID = traceID
        child.spanID = spanID
        child.parentSpanID = parentID
        child.traceState = "vendor=a"
        child.flags = 0x300  // has is_remote, parent is remote; trace flags left 0, as the Python SDK does
        child.name = "GET /checkout"
        child.kind = .server
        child.startTimeUnixNano = time - 1_000
        child.endTimeUnixNano = time
        child.attributes = everyType
        child.droppedAttributesCount = 2
        var event = ProtoSpan.Event()
        event.timeUnixNano = time - 500
        event.name = "exception"
        event.attributes = [keyValue("exception.type") { $0.stringValue = "Timeout" }]
        event.droppedAttributesCount = 1
        child.events = [event]
        child.droppedEventsCount = 3
        var remoteLink = ProtoSpan.Link()
        remoteLink.traceID = otherTraceID
        remoteLink.spanID = parentID
        remoteLink.traceState = "k=v"
        remoteLink.attributes = [keyValue("link.kind") { $0.stringValue = "follows" }]
        remoteLink.flags = 0x301
        remoteLink.droppedAttributesCount = 4
        var localLink = ProtoSpan.Link()
        localLink.traceID = traceID
        localLink.spanID = spanID
        localLink.flags = 0x100
        child.links = [remoteLink, localLink]
        child.droppedLinksCount = 5
        var status = Opentelemetry_Proto_Trace_V1_Status()
        status.code = .error
        status.message = "boom"
        child.status = status

        var root = ProtoSpan()
        root.traceID = otherTraceID
        root.spanID = parentID
        root.flags = 0x101  // sampled, parent known to be local
        root.name = "root"
        root.kind = .internal
        root.startTimeUnixNano = time
        root.endTimeUnixNano = time + 1

        var scoped = Opentelemetry_Proto_Trace_V1_ScopeSpans()
        scoped.scope = scope
        scoped.schemaURL = scopeSchema
        scoped.spans = [child, root]
        var plain = Opentelemetry_Proto_Trace_V1_ScopeSpans()
        plain.scope.name = "plain"
        var legacy = root
        legacy.flags = 1  // an older SDK: trace flags only
        plain.spans = [legacy]
        var resourceSpans = Opentelemetry_Proto_Trace_V1_ResourceSpans()
        resourceSpans.resource = resource
        resourceSpans.schemaURL = resourceSchema
        resourceSpans.scopeSpans = [scoped, plain]
        var request = OTLPTraceRequest()
        request.resourceSpans = [resourceSpans]
        return request
    }

    @Test("spans: 0x300 and 0x101 flags, link flags, dropped counts, scope attributes and schema URLs come back equal")
    func spans() throws {
        let sent = Self.traceRequest()
        let decoded = OTLPSpans.batches(from: try Self.wire(sent))
        #expect(decoded.partialSuccess.isEmpty, "\(decoded.partialSuccess.errorMessage)")
        #expect(try Self.wire(OTLPSpans.request(decoded.batches)) == sent)

        let batch = try #require(decoded.batches.first)
        #expect(batch.resource.schemaURL == Self.resourceSchema)
        let spans = try #require(decoded.firstSpans)
        try #require(spans.count == 3)
        #expect(spans[0].flags == 0x300 && spans[0].traceFlags == 0 && spans[0].parentIsRemote == true)
        #expect(spans[0].flags & 0x01 == 0, "not sampled: what a sampler reads")
        #expect(spans[1].flags & 0x01 == 1 && spans[1].parentIsRemote == false)
        #expect(spans[2].flags == 1 && spans[2].parentIsRemote == nil)
        #expect(spans[0].links.map(\.flags) == [0x301, 0x100] && spans[0].links[0].droppedAttributesCount == 4)
        #expect(spans[0].droppedAttributesCount == 2 && spans[0].droppedEventsCount == 3 && spans[0].droppedLinksCount == 5)
        #expect(spans[0].events[0].droppedAttributesCount == 1)
        #expect(spans[0].scope == InstrumentationScope(
            name: "checkout.instrumentation", version: "0.1.0", attributes: ["scope.kind": "web", "shard": 2], schemaURL: Self.scopeSchema))
        #expect(spans[2].scope == InstrumentationScope(name: "plain"))
    }

    @Test("span flag conveniences: trace flags and parent-is-remote set and read the bits they own")
    func spanFlagAccessors() {
        var span = Span(traceID: TraceID(high: 1, low: 1), spanID: SpanID(1), flags: 0x0400_0000, name: "s",
                        start: Timestamp(nanosecondsSinceEpoch: 0), end: Timestamp(nanosecondsSinceEpoch: 0))
        span.traceFlags = 0x01
        span.parentIsRemote = true
        #expect(span.flags == 0x0400_0301, "reserved bits are kept as sent")
        span.parentIsRemote = false
        #expect(span.flags == 0x0400_0101 && span.parentIsRemote == false)
        span.traceFlags = 0
        span.parentIsRemote = nil
        #expect(span.flags == 0x0400_0000 && span.parentIsRemote == nil && span.traceFlags == 0)
    }

    // MARK: - Logs

    @Test("logs: event_name, dropped attributes, trace flags, scope attributes and schema URLs come back equal")
    func logs() throws {
        var event = ProtoLogRecord()
        event.timeUnixNano = Self.time
        event.observedTimeUnixNano = Self.time + 1
        event.severityNumber = .info
        event.severityText = "INFO"
        event.body = Self.value { $0.stringValue = "order placed" }
        event.attributes = Self.everyType
        event.droppedAttributesCount = 7
        event.flags = 1
        event.traceID = Self.traceID
        event.spanID = Self.spanID
        event.eventName = "checkout.order_placed"
        var plain = ProtoLogRecord()
        plain.observedTimeUnixNano = Self.time + 2
        plain.body = Self.value { $0.stringValue = "plain" }
        var scoped = Opentelemetry_Proto_Logs_V1_ScopeLogs()
        scoped.scope = Self.scope
        scoped.schemaURL = Self.scopeSchema
        scoped.logRecords = [event, plain]
        var resourceLogs = Opentelemetry_Proto_Logs_V1_ResourceLogs()
        resourceLogs.resource = Self.resource
        resourceLogs.schemaURL = Self.resourceSchema
        resourceLogs.scopeLogs = [scoped]
        var sent = OTLPLogsRequest()
        sent.resourceLogs = [resourceLogs]

        let decoded = OTLPLogs.batches(from: try Self.wire(sent), receivedAt: Timestamp(nanosecondsSinceEpoch: 1))
        #expect(decoded.partialSuccess.isEmpty, "\(decoded.partialSuccess.errorMessage)")
        #expect(try Self.wire(OTLPLogs.request(decoded.batches)) == sent)
        let records = try #require(decoded.firstLogs)
        #expect(records.map(\.eventName) == ["checkout.order_placed", ""])
        #expect(records.map(\.droppedAttributesCount) == [7, 0])
        #expect(records[0].scope.attributes == ["scope.kind": "web", "shard": 2] && records[1].scope.schemaURL == Self.scopeSchema)
    }

    // MARK: - Metrics

    static func numberPoint(_ value: Opentelemetry_Proto_Metrics_V1_NumberDataPoint.OneOf_Value, label: String) -> ProtoNumberPoint {
        var point = ProtoNumberPoint()
        point.attributes = [keyValue("case") { $0.stringValue = label }]
        point.timeUnixNano = time
        point.startTimeUnixNano = time - 60_000_000_000
        point.value = value
        return point
    }

    static let integers: [(Int64, String)] = [
        (.max, "max"), (-Int64.max, "-max"), (.min, "min"), ((1 << 53) + 1, "2^53+1"), (-((1 << 53) + 1), "-(2^53+1)"), (0, "zero"),
    ]

    @Test("metrics: as_int points stay exact (±(2^63-1), 2^53+1), as_double stays double; up-down sums; scopes and schema URLs")
    func metrics() throws {
        var gauge = ProtoMetric()
        gauge.name = "queue.depth"
        gauge.unit = "{item}"
        gauge.description_p = "Items waiting."
        var gaugeData = Opentelemetry_Proto_Metrics_V1_Gauge()
        gaugeData.dataPoints = Self.integers.map { Self.numberPoint(.asInt($0.0), label: $0.1) }
            + [Self.numberPoint(.asDouble(0.1), label: "double"), Self.numberPoint(.asDouble(9_007_199_254_740_992), label: "integral double")]
        gauge.gauge = gaugeData
        var counter = ProtoMetric()
        counter.name = "orders"
        var sum = Opentelemetry_Proto_Metrics_V1_Sum()
        sum.aggregationTemporality = .cumulative
        sum.isMonotonic = true
        sum.dataPoints = [Self.numberPoint(.asInt((1 << 53) + 1), label: "big")]
        counter.sum = sum
        var upDown = ProtoMetric()
        upDown.name = "queue.depth.change"
        var upDownSum = Opentelemetry_Proto_Metrics_V1_Sum()
        upDownSum.aggregationTemporality = .cumulative
        upDownSum.isMonotonic = false  // an UpDownCounter
        upDownSum.dataPoints = [Self.numberPoint(.asInt(-3), label: "down")]
        upDown.sum = upDownSum
        var histogram = ProtoMetric()
        histogram.name = "latency"
        histogram.unit = "ms"
        var histogramData = Opentelemetry_Proto_Metrics_V1_Histogram()
        histogramData.aggregationTemporality = .cumulative
        var point = ProtoHistogramPoint()
        point.timeUnixNano = Self.time
        point.startTimeUnixNano = Self.time - 60_000_000_000
        point.count = 3
        point.sum = 17.5
        point.bucketCounts = [1, 2, 0]
        point.explicitBounds = [5, 10]
        point.min = 1
        point.max = 9.5
        histogramData.dataPoints = [point]
        histogram.histogram = histogramData
        var scoped = Opentelemetry_Proto_Metrics_V1_ScopeMetrics()
        scoped.scope = Self.scope
        scoped.schemaURL = Self.scopeSchema
        scoped.metrics = [gauge, counter, upDown, histogram]
        var resourceMetrics = Opentelemetry_Proto_Metrics_V1_ResourceMetrics()
        resourceMetrics.resource = Self.resource
        resourceMetrics.schemaURL = Self.resourceSchema
        resourceMetrics.scopeMetrics = [scoped]
        var sent = OTLPMetricsRequest()
        sent.resourceMetrics = [resourceMetrics]

        let decoded = OTLPMetrics.batches(from: try Self.wire(sent), receivedAt: Timestamp(nanosecondsSinceEpoch: 1))
        #expect(decoded.partialSuccess.isEmpty, "\(decoded.partialSuccess.errorMessage)")
        #expect(try Self.wire(OTLPMetrics.request(decoded.batches)) == sent)

        let batch = try #require(decoded.firstMetrics)
        #expect(batch.families[0].samples.map(\.number) == Self.integers.map { .int($0.0) } + [.double(0.1), .double(9_007_199_254_740_992)])
        #expect(batch.families[1].samples[0].number == .int(9_007_199_254_740_993))
        #expect(batch.families[1].samples[0].value == 9_007_199_254_740_992, "the float64 view rounds, as a Prometheus backend would")
        #expect(batch.families.map(\.kind) == [.gauge, .counter, .upDownCounter, .histogram])
        #expect(batch.families.allSatisfy { $0.scope.schemaURL == Self.scopeSchema && $0.scope.attributes.count == 2 })
        #expect(decoded.batches[0].resource.schemaURL == Self.resourceSchema)
    }
}
