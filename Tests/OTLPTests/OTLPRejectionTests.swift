import Foundation
@testable import OTLP
import Telemetry
import Testing

/// What an SDK may send that the model cannot carry: counted and explained (what a
/// receiver answers in `partial_success`), the rest of the request converted.
@Suite("OTLP: what cannot be represented is counted, never dropped silently")
struct OTLPRejectionTests {
    static let receivedAt = Timestamp(nanosecondsSinceEpoch: 1_000)

    static func logsRequest(_ records: [ProtoLogRecord]) -> OTLPLogsRequest {
        var scope = Opentelemetry_Proto_Logs_V1_ScopeLogs()
        scope.logRecords = records
        var resource = Opentelemetry_Proto_Logs_V1_ResourceLogs()
        resource.scopeLogs = [scope]
        var request = OTLPLogsRequest()
        request.resourceLogs = [resource]
        return request
    }

    static func value(_ build: (inout ProtoAnyValue) -> Void) -> ProtoAnyValue {
        var value = ProtoAnyValue()
        build(&value)
        return value
    }

    static func keyValue(_ key: String, _ value: ProtoAnyValue) -> ProtoKeyValue {
        var keyValue = ProtoKeyValue()
        keyValue.key = key
        keyValue.value = value
        return keyValue
    }

    @Test("log records with ids of the wrong length are rejected, the others kept")
    func logIDs() throws {
        var good = ProtoLogRecord()
        good.observedTimeUnixNano = 5
        good.traceID = Data(repeating: 0, count: 16)  // all zero: no id
        var shortTrace = ProtoLogRecord()
        shortTrace.traceID = Data([1, 2, 3, 4, 5])
        var longSpan = ProtoLogRecord()
        longSpan.spanID = Data(repeating: 7, count: 9)
        let decoded = OTLPLogs.batches(from: Self.logsRequest([shortTrace, good, longSpan]), receivedAt: Self.receivedAt)
        #expect(decoded.partialSuccess.rejected == 2)
        #expect(decoded.partialSuccess.errorMessage == "log record: trace_id has 5 bytes, not 16; log record: span_id has 9 bytes, not 8")
        let records = try #require(decoded.firstLogs)
        #expect(records == [LogRecord(observedTimestamp: Timestamp(nanosecondsSinceEpoch: 5), body: [])])
    }

    @Test("a request of only rejected records gives no batch")
    func allRejected() {
        var bad = ProtoLogRecord()
        bad.spanID = Data([1])
        let decoded = OTLPLogs.batches(from: Self.logsRequest([bad, bad]), receivedAt: Self.receivedAt)
        #expect(decoded.batches.isEmpty && decoded.partialSuccess.rejected == 2)
    }

    @Test("bodies that are not text become their text; no observed time is the receive time; odd severities are unspecified")
    func logBodiesAndDefaults() throws {
        var map = Opentelemetry_Proto_Common_V1_KeyValueList()
        map.values = [
            Self.keyValue("a", Self.value { $0.intValue = -3 }),
            Self.keyValue("b", Self.value {
                var array = Opentelemetry_Proto_Common_V1_ArrayValue()
                array.values = [Self.value { $0.boolValue = true }, Self.value { $0.stringValue = "x\"y" }, Self.value { $0.doubleValue = .infinity }]
                $0.arrayValue = array
            }),
        ]
        let bodies: [(ProtoAnyValue, String)] = [
            (Self.value { $0.kvlistValue = map }, #"{"a":-3,"b":[true,"x\"y","Infinity"]}"#),
            (Self.value { $0.intValue = 42 }, "42"),
            (Self.value { $0.doubleValue = 0.5 }, "0.5"),
            (Self.value { $0.boolValue = false }, "false"),
            (ProtoAnyValue(), ""),
        ]
        var messages: [ProtoLogRecord] = []
        for (body, _) in bodies {
            var message = ProtoLogRecord()
            message.body = body
            message.severityNumber = .UNRECOGNIZED(99)
            message.severityText = "LOUD"
            messages.append(message)
        }
        let decoded = OTLPLogs.batches(from: Self.logsRequest(messages), receivedAt: Self.receivedAt)
        #expect(decoded.partialSuccess.isEmpty)
        let records = try #require(decoded.firstLogs)
        #expect(records.map { String(decoding: $0.body, as: UTF8.self) } == bodies.map(\.1))
        #expect(records.allSatisfy { $0.observedTimestamp == Self.receivedAt && $0.timestamp == nil })
        #expect(records.allSatisfy { $0.severity == Severity(number: 0, text: "LOUD") })
    }

    @Test("an attribute without a value is left out and noted, without rejecting its record")
    func emptyAttributeValue() throws {
        var message = ProtoLogRecord()
        message.attributes = [Self.keyValue("kept", Self.value { $0.stringValue = "yes" }), Self.keyValue("hollow", ProtoAnyValue())]
        let decoded = OTLPLogs.batches(from: Self.logsRequest([message]), receivedAt: Self.receivedAt)
        #expect(decoded.partialSuccess.rejected == 0)
        #expect(decoded.partialSuccess.errorMessage == "log record: attribute \"hollow\" has no value and was left out")
        let records = try #require(decoded.firstLogs)
        #expect(records.first?.attributes == ["kept": "yes"])
    }

    @Test("spans need ids of the right length, their parent and links too")
    func spanIDs() throws {
        func span(_ name: String, trace: Int = 16, span spanLength: Int = 8, parent: Int = 0, link: (Int, Int)? = nil) -> ProtoSpan {
            var message = ProtoSpan()
            message.name = name
            message.traceID = Data(repeating: 1, count: trace)
            message.spanID = Data(repeating: 2, count: spanLength)
            message.parentSpanID = Data(repeating: 0, count: parent)
            if let link {
                var linkMessage = ProtoSpan.Link()
                linkMessage.traceID = Data(repeating: 3, count: link.0)
                linkMessage.spanID = Data(repeating: 4, count: link.1)
                message.links = [linkMessage]
            }
            return message
        }
        var scope = Opentelemetry_Proto_Trace_V1_ScopeSpans()
        scope.spans = [
            span("ok"), span("zero parent", parent: 8), span("no trace", trace: 0), span("long span", span: 16),
            span("short parent", parent: 4), span("bad link", link: (16, 7)), span("good link", link: (16, 8)),
        ]
        var resource = Opentelemetry_Proto_Trace_V1_ResourceSpans()
        resource.scopeSpans = [scope]
        var request = OTLPTraceRequest()
        request.resourceSpans = [resource]
        let decoded = OTLPSpans.batches(from: request)
        #expect(decoded.partialSuccess.rejected == 4)
        #expect(decoded.partialSuccess.errorMessage == [
            "span \"no trace\": trace_id has 0 bytes, not 16", "span \"long span\": span_id has 16 bytes, not 8",
            "span \"short parent\": parent_span_id has 4 bytes, not 8", "span \"bad link\": links[0].span_id has 7 bytes, not 8",
        ].joined(separator: "; "))
        let spans = try #require(decoded.firstSpans)
        #expect(spans.map(\.name) == ["ok", "zero parent", "good link"])
        #expect(spans.allSatisfy { $0.parentSpanID == nil })
        #expect(spans.last?.links.first?.spanID == SpanID(0x0404_0404_0404_0404))
    }

    static func metricsRequest(_ metrics: [ProtoMetric]) -> OTLPMetricsRequest {
        var scope = Opentelemetry_Proto_Metrics_V1_ScopeMetrics()
        scope.metrics = metrics
        var resource = Opentelemetry_Proto_Metrics_V1_ResourceMetrics()
        resource.scopeMetrics = [scope]
        var request = OTLPMetricsRequest()
        request.resourceMetrics = [resource]
        return request
    }

    static func numberPoint(_ value: Double?, time: UInt64 = 10, flags: UInt32 = 0, attributes: [ProtoKeyValue] = []) -> ProtoNumberPoint {
        var point = ProtoNumberPoint()
        if let value { point.asDouble = value }
        point.timeUnixNano = time
        point.flags = flags
        point.attributes = attributes
        return point
    }

    static func metric(_ name: String, _ build: (inout ProtoMetric) -> Void) -> ProtoMetric {
        var metric = ProtoMetric()
        metric.name = name
        build(&metric)
        return metric
    }

    @Test("delta sums and histograms, exponential histograms, summaries and empty points are rejected and counted")
    func unsupportedMetrics() throws {
        var histogramPoint = ProtoHistogramPoint()
        histogramPoint.timeUnixNano = 10
        histogramPoint.sum = 1
        histogramPoint.count = 1
        histogramPoint.bucketCounts = [1]
        var noSum = histogramPoint
        noSum.clearSum()
        var uneven = histogramPoint
        uneven.explicitBounds = [1, 2]
        var unordered = histogramPoint
        unordered.explicitBounds = [2, 1]
        unordered.bucketCounts = [0, 1, 0]
        var miscounted = histogramPoint
        miscounted.count = 5

        let metrics = [
            Self.metric("delta_sum") {
                $0.sum.aggregationTemporality = .delta
                $0.sum.isMonotonic = true
                $0.sum.dataPoints = [Self.numberPoint(1), Self.numberPoint(2), Self.numberPoint(3)]
            },
            Self.metric("unspecified_sum") { $0.sum.dataPoints = [Self.numberPoint(1)] },
            Self.metric("delta_histogram") {
                $0.histogram.aggregationTemporality = .delta
                $0.histogram.dataPoints = [histogramPoint]
            },
            Self.metric("exponential") {
                $0.exponentialHistogram.dataPoints = [
                    Opentelemetry_Proto_Metrics_V1_ExponentialHistogramDataPoint(),
                    Opentelemetry_Proto_Metrics_V1_ExponentialHistogramDataPoint(),
                ]
            },
            Self.metric("summary") { $0.summary.dataPoints = [Opentelemetry_Proto_Metrics_V1_SummaryDataPoint()] },
            Self.metric("gauge") {
                $0.gauge.dataPoints = [Self.numberPoint(nil), Self.numberPoint(1, flags: 1), Self.numberPoint(7)]
            },
            Self.metric("histogram") {
                $0.histogram.aggregationTemporality = .cumulative
                $0.histogram.dataPoints = [noSum, uneven, unordered, miscounted, histogramPoint]
            },
            Self.metric("no_data") { _ in },
        ]
        let decoded = OTLPMetrics.batches(from: Self.metricsRequest(metrics), receivedAt: Self.receivedAt)
        #expect(decoded.partialSuccess.rejected == 3 + 1 + 1 + 2 + 1 + 2 + 4)
        #expect(decoded.partialSuccess.reasons == [
            "metric \"delta_sum\": delta sums are not supported, only cumulative",
            "metric \"unspecified_sum\": unspecified-temporality sums are not supported, only cumulative",
            "metric \"delta_histogram\": delta histograms are not supported, only cumulative",
            "metric \"exponential\": exponential histograms are not supported",
            "metric \"summary\": summaries are not supported",
        ])
        #expect(decoded.partialSuccess.errorMessage.hasSuffix("; and 7 more"))
        let batch = try #require(decoded.firstMetrics)
        #expect(batch.families.map(\.name) == ["gauge", "histogram"])
        #expect(batch.families[0].samples == [MetricSample(labels: Labels(), value: 7)])
        #expect(batch.families[1].samples.map(\.histogram) == [HistogramValue(bounds: [], counts: [1], sum: 1, count: 1)])
        #expect(batch.timestamp == Timestamp(nanosecondsSinceEpoch: 10))
    }

    @Test("a non-monotonic sum is an up-down counter; int values, non-string labels and missing times are converted")
    func conversions() throws {
        var int = Self.numberPoint(nil, time: 0, attributes: [
            Self.keyValue("n", Self.value { $0.intValue = 5 }), Self.keyValue("b", Self.value { $0.boolValue = true }),
            Self.keyValue("bytes", Self.value { $0.bytesValue = Data([0xFF, 0x00]) }), Self.keyValue("none", ProtoAnyValue()),
        ])
        int.asInt = -12
        int.startTimeUnixNano = 3
        let metrics = [
            Self.metric("updown") {
                $0.sum.aggregationTemporality = .cumulative
                $0.sum.isMonotonic = false
                $0.sum.dataPoints = [int]
            },
            Self.metric("monotonic") {
                $0.sum.aggregationTemporality = .cumulative
                $0.sum.isMonotonic = true
                $0.sum.dataPoints = [Self.numberPoint(4, time: 20)]
            },
        ]
        let decoded = OTLPMetrics.batches(from: Self.metricsRequest(metrics), receivedAt: Self.receivedAt)
        #expect(decoded.partialSuccess.isEmpty)
        let batch = try #require(decoded.firstMetrics)
        #expect(batch.families.map(\.kind) == [.upDownCounter, .counter])
        #expect(batch.timestamp == Self.receivedAt, "the point without a time was taken on receipt, the latest")
        let sample = batch.families[0].samples[0]
        #expect(sample.number == .int(-12) && sample.timestamp == nil && sample.startTimestamp == Timestamp(nanosecondsSinceEpoch: 3))
        #expect(sample.labels == ["n": "5", "b": "true", "bytes": "/wA=", "none": ""])
        #expect(batch.families[1].samples[0].timestamp == Timestamp(nanosecondsSinceEpoch: 20))
    }
}
