import Foundation
import OTLP
import Telemetry
import Testing
@testable import Exporters

@Suite("OTLP/HTTP: request encoders")
struct OTLPEncoderTests {
    static let receivedAt = Timestamp(nanosecondsSinceEpoch: 1)

    /// A protobuf body read back with the generated types and the OTLP module's conversion.
    static func decode(_ body: [UInt8], _ signal: Signal) throws -> OTLPDecoded {
        switch signal {
        case .logs: OTLPLogs.batches(from: try OTLPLogsRequest(serializedBytes: body), receivedAt: receivedAt)
        case .metrics: OTLPMetrics.batches(from: try OTLPMetricsRequest(serializedBytes: body), receivedAt: receivedAt)
        case .traces: OTLPSpans.batches(from: try OTLPTraceRequest(serializedBytes: body))
        }
    }

    static func object(_ json: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
    }

    @Test("content types", arguments: Signal.allCases)
    func contentTypes(signal: Signal) {
        #expect(OTLPProtobufEncoder(signal: signal).contentType == "application/x-protobuf")
        #expect(OTLPJSONEncoder(signal: signal).contentType == "application/json")
    }

    @Test("protobuf: the body parses back to what was sent", arguments: Signal.allCases)
    func protobufParsesBack(signal: Signal) throws {
        let batch = OTLPExportSamples.batch(signal)
        let decoded = try Self.decode(try OTLPProtobufEncoder(signal: signal).encode([batch]), signal)
        #expect(decoded.partialSuccess.isEmpty)
        #expect(decoded.batches == [batch])
    }

    @Test("both encoders refuse a batch of another signal instead of sending it to the wrong path")
    func wrongSignal() {
        for encoding in OTLPEncoding.allCases {
            #expect(throws: EncodingFailure("the OTLP logs endpoint was handed a traces batch")) {
                try encoding.encoder(for: .logs).encode([OTLPExportSamples.logs, OTLPExportSamples.spans])
            }
        }
    }

    @Test("nothing to send: an empty request")
    func empty() throws {
        #expect(try OTLPProtobufEncoder(signal: .logs).encode([.logs([])]).isEmpty)
        #expect(try OTLPJSONEncoder(signal: .logs).encode([]) == Array(#"{"resourceLogs":[]}"#.utf8))
        #expect(try OTLPJSONEncoder(signal: .traces).encode([.spans([])]) == Array(#"{"resourceSpans":[]}"#.utf8))
        let noPoints = TelemetryBatch.metrics(MetricBatch(families: [], timestamp: OTLPExportSamples.noon))
        #expect(try OTLPJSONEncoder(signal: .metrics).encode([noPoints]) == Array(#"{"resourceMetrics":[]}"#.utf8))
    }

    @Test("JSON is strict JSON (Python's json module), one object per request", arguments: Signal.allCases)
    func jsonIsValid(signal: Signal) throws {
        let body = try OTLPJSONEncoder(signal: signal).encode([OTLPExportSamples.batch(signal), OTLPExportSamples.batch(signal)])
        #expect(try JSONValidator.events(body + [UInt8(ascii: "\n")], framing: .lines)?.count ?? 1 == 1)
    }

    @Test("JSON logs: hex ids, enums as numbers, 64-bit times as strings, bytes body for invalid UTF-8")
    func jsonLogs() throws {
        let request = try Self.object(try OTLPJSONEncoder(signal: .logs).encode([OTLPExportSamples.logs]))
        let resourceLogs = try #require(request["resourceLogs"] as? [[String: Any]])
        #expect(resourceLogs.count == 1)
        let resource = try #require(resourceLogs[0]["resource"] as? [String: Any])
        let resourceAttributes = try #require(resource["attributes"] as? [[String: Any]])
        #expect(resourceAttributes.compactMap { $0["key"] as? String } == ["service.name", "k8s.pod.name", "k8s.namespace.name"])
        let scopes = try #require(resourceLogs[0]["scopeLogs"] as? [[String: Any]])
        #expect(scopes.count == 2)
        #expect(scopes[0]["scope"] as? [String: String] == ["name": "io.opentelemetry.checkout", "version": "1.4.0"])
        #expect(scopes[1]["scope"] == nil, "an empty scope is left out")
        let records = try #require(scopes[0]["logRecords"] as? [[String: Any]])
        #expect(records[0]["traceId"] as? String == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(records[0]["spanId"] as? String == "00f067aa0ba902b7")
        #expect(records[0]["severityNumber"] as? Int == 17 && records[0]["severityText"] as? String == "ERROR")
        #expect(records[0]["timeUnixNano"] as? String == "1795521599999999000")
        #expect(records[0]["observedTimeUnixNano"] as? String == "1795521600000000000")
        #expect(records[0]["flags"] as? Int == 1)
        #expect(records[0]["body"] as? [String: String] == ["stringValue": "payment failed: ünknown card 💳\n"])
        let attributes = try #require(records[0]["attributes"] as? [[String: Any]])
        let code = try #require(attributes.first { $0["key"] as? String == "http.status_code" }?["value"] as? [String: Any])
        #expect(code["intValue"] as? String == "503")
        #expect(records[1]["body"] as? [String: String] == ["bytesValue": Data(OTLPExportSamples.invalidUTF8).base64EncodedString()])
        #expect(records[1]["traceId"] == nil && records[1]["timeUnixNano"] == nil)
        #expect(records[1]["severityNumber"] as? Int == 24)
    }

    @Test("JSON metrics: sum, gauge and histogram with temporality as a number, counts as strings")
    func jsonMetrics() throws {
        let request = try Self.object(try OTLPJSONEncoder(signal: .metrics).encode([OTLPExportSamples.metrics]))
        let resourceMetrics = try #require(request["resourceMetrics"] as? [[String: Any]])
        let scopes = try #require(resourceMetrics.first?["scopeMetrics"] as? [[String: Any]])
        let metrics = scopes.flatMap { ($0["metrics"] as? [[String: Any]]) ?? [] }
        #expect(metrics.compactMap { $0["name"] as? String } == [
            "http_requests_total", "http_request_duration_seconds", "node_memory_MemAvailable_bytes",
        ])
        let sum = try #require(metrics[0]["sum"] as? [String: Any])
        #expect(sum["aggregationTemporality"] as? Int == 2 && sum["isMonotonic"] as? Bool == true)
        let points = try #require(sum["dataPoints"] as? [[String: Any]])
        #expect(points[0]["asDouble"] as? Double == 1027 && points[0]["startTimeUnixNano"] as? String == "1795518000000000000")
        #expect(points[1]["startTimeUnixNano"] == nil && points[1]["timeUnixNano"] as? String == "1795521600000000000")
        let histogram = try #require(metrics[1]["histogram"] as? [String: Any])
        #expect(histogram["aggregationTemporality"] as? Int == 2)
        let point = try #require((histogram["dataPoints"] as? [[String: Any]])?.first)
        #expect(point["bucketCounts"] as? [String] == ["1", "0", "5", "3", "0", "2"])
        #expect(point["explicitBounds"] as? [Double] == [0.005, 0.01, 0.1, 1, 10])
        #expect(point["count"] as? String == "11" && point["sum"] as? Double == 27.125)
        #expect(point["min"] as? Double == 0.001 && point["max"] as? Double == 17.5)
        let gauge = try #require(metrics[2]["gauge"] as? [String: Any])
        #expect((gauge["dataPoints"] as? [[String: Any]])?.last?["asDouble"] as? String == "-Infinity")
        #expect(metrics[2]["unit"] as? String == "By" && metrics[2]["description"] as? String == "Memory available.")
    }

    /// A histogram family with a good sample among two OTLP cannot carry (one without a
    /// histogram, one whose buckets do not add up), one with no good sample, and a gauge.
    static let unrepresentable = TelemetryBatch.metrics(MetricBatch(families: [
        MetricFamily(name: "latency", help: "", kind: .histogram, samples: [
            MetricSample(labels: ["route": "/plain"], value: 3),
            MetricSample(labels: ["route": "/ok"], histogram: HistogramValue(bounds: [1], counts: [1, 1], sum: 1.5, count: 2)),
            MetricSample(labels: ["route": "/bad"], histogram: HistogramValue(bounds: [1], counts: [5, 1], sum: 1.5, count: 2)),
        ]),
        MetricFamily(name: "plain_only", help: "", kind: .histogram, samples: [MetricSample(labels: Labels(), value: 1)]),
        MetricFamily(name: "up", help: "", kind: .gauge, samples: [MetricSample(labels: Labels(), value: 1)]),
    ], timestamp: OTLPExportSamples.noon))

    @Test("histogram samples OTLP cannot carry are left out and reported as rejected", arguments: OTLPEncoding.allCases)
    func unrepresentableHistograms(encoding: OTLPEncoding) throws {
        let encoder = encoding.encoder(for: .metrics)
        let body = try encoder.encodeBody([Self.unrepresentable])
        #expect(body.rejected == 3)
        #expect(body.reason == #"not representable in OTLP, left out: histogram "latency"{route="/plain"} carries no histogram (buckets and count) (3 samples left out in all)"#)
        #expect(try encoder.encode([Self.unrepresentable]) == body.bytes)

        // What the backend reads: the good histogram point and the gauge, nothing made up.
        let points: [(metric: String, route: String?, counts: [UInt64])]
        switch encoding {
        case .protobuf:
            let decoded = try Self.decode(body.bytes, .metrics)
            guard case .metrics(let batch)? = decoded.batches.first?.payload, decoded.batches.count == 1 else {
                Issue.record("expected one metric batch, got \(decoded.batches)")
                return
            }
            points = batch.families.flatMap { family in
                family.samples.map { (family.name, $0.labels["route"], $0.histogram?.counts ?? []) }
            }
        case .json:
            let request = try Self.object(body.bytes)
            let resourceMetrics = try #require(request["resourceMetrics"] as? [[String: Any]])
            let metrics = try #require((resourceMetrics.first?["scopeMetrics"] as? [[String: Any]])?.first?["metrics"] as? [[String: Any]])
            points = try metrics.flatMap { metric in
                let name = try #require(metric["name"] as? String)
                let data = try #require((metric["histogram"] ?? metric["gauge"]) as? [String: Any])
                let dataPoints = try #require(data["dataPoints"] as? [[String: Any]])
                return dataPoints.map { point in
                    let route = (point["attributes"] as? [[String: Any]])?.first { $0["key"] as? String == "route" }
                    let text = (route?["value"] as? [String: Any])?["stringValue"] as? String
                    return (name, text, ((point["bucketCounts"] as? [String]) ?? []).compactMap { UInt64($0) })
                }
            }
        }
        #expect(points.map(\.metric) == ["latency", "up"])
        #expect(points.first?.route == "/ok" && points.first?.counts == [1, 1])
    }

    @Test("metrics OTLP can carry whole are sent whole: nothing reported", arguments: OTLPEncoding.allCases)
    func representableMetrics(encoding: OTLPEncoding) throws {
        let body = try encoding.encoder(for: .metrics).encodeBody([OTLPExportSamples.metrics])
        #expect(body.rejected == 0 && body.reason.isEmpty)
        #expect(body.bytes == (try encoding.encoder(for: .metrics).encode([OTLPExportSamples.metrics])))
    }

    @Test("JSON spans: the span shape of the http exporter, without its resource, inside the envelope")
    func jsonSpans() throws {
        let request = try Self.object(try OTLPJSONEncoder(signal: .traces).encode([OTLPExportSamples.spans]))
        let resourceSpans = try #require(request["resourceSpans"] as? [[String: Any]])
        let spans = try #require((resourceSpans.first?["scopeSpans"] as? [[String: Any]])?.first?["spans"] as? [[String: Any]])
        #expect(spans.count == 2)
        #expect(spans[0]["traceId"] as? String == "4bf92f3577b34da6a3ce929d0e0e4736" && spans[0]["parentSpanId"] == nil)
        #expect(spans[0]["kind"] as? Int == 2 && spans[0]["resource"] == nil)
        let status = try #require(spans[0]["status"] as? [String: Any])
        #expect(status["code"] as? Int == 2 && status["message"] as? String == "payment declined")
        #expect((spans[0]["links"] as? [[String: Any]])?.first?["traceId"] as? String == "0102030405060708090a0b0c0d0e0f10")
        #expect(spans[1]["parentSpanId"] as? String == "00f067aa0ba902b7" && spans[1]["kind"] as? Int == 3)
    }
}
