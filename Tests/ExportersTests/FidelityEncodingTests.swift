import Foundation
import OTLP
import Telemetry
import Testing
@testable import Exporters

/// What an SDK sent and the model now keeps reaches the backend in every encoding: 32-bit
/// span and link flags, dropped counts, scope attributes, schema URLs, log event names, and
/// integer metric values with all their digits.
@Suite("Encoders: OTLP fidelity fields")
struct FidelityEncodingTests {
    static let noon = OTLPExportSamples.noon
    static let scope = InstrumentationScope(
        name: "checkout.instrumentation", version: "0.1.0", attributes: ["scope.kind": "web", "shard": 2],
        schemaURL: "https://opentelemetry.io/schemas/1.24.0")
    static let resource = Resource(attributes: ["service.name": "checkout"], schemaURL: "https://opentelemetry.io/schemas/1.21.0")

    static let spans = TelemetryBatch.spans([
        Span(
            traceID: OTLPExportSamples.traceID, spanID: OTLPExportSamples.childID, parentSpanID: OTLPExportSamples.spanID,
            flags: 0x300, name: "GET /checkout", kind: .server, start: noon, end: noon, attributes: ["k": "v"],
            events: [Span.Event(name: "e", timestamp: noon, droppedAttributesCount: 1)],
            links: [Span.Link(traceID: OTLPExportSamples.linkedTraceID, spanID: OTLPExportSamples.spanID, flags: 0x301,
                              droppedAttributesCount: 4),
                    Span.Link(traceID: OTLPExportSamples.traceID, spanID: OTLPExportSamples.spanID)],
            scope: scope, droppedAttributesCount: 2, droppedEventsCount: 3, droppedLinksCount: 5),
    ], resource: resource)

    static let logs = TelemetryBatch.logs([
        LogRecord(observedTimestamp: noon, body: Array("order placed".utf8), flags: 1, scope: scope,
                  eventName: "checkout.order_placed", droppedAttributesCount: 7),
        LogRecord(observedTimestamp: noon, body: Array("plain".utf8), scope: scope),
    ], resource: resource)

    static let integers: [Int64] = [.max, .min, (1 << 53) + 1, -((1 << 53) + 1)]

    static let metrics = TelemetryBatch.metrics(MetricBatch(families: [
        MetricFamily(
            name: "queue_depth", help: "", kind: .gauge,
            samples: integers.map { MetricSample(labels: ["n": "\($0)"], number: .int($0)) }
                + [MetricSample(labels: ["n": "float"], number: .double(0.5))],
            scope: scope),
        MetricFamily(
            name: "queue.depth.change", help: "Messages waiting.", kind: .upDownCounter, unit: "{message}",
            samples: [MetricSample(labels: ["queue": "refunds"], number: .int(-3))], scope: scope),
    ], timestamp: noon), resource: resource)

    static func lines(_ batch: TelemetryBatch) throws -> [String] {
        String(decoding: try JSONLinesEncoder().encode([batch]), as: UTF8.self).split(separator: "\n").map(String.init)
    }

    static func object(_ json: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
    }

    // MARK: - Flat JSON lines (http, file, stdout)

    @Test("JSON lines: integer values with every digit, floats as before")
    func flatMetrics() throws {
        let values = try Self.lines(Self.metrics).dropLast().map { line in
            String(try #require(line.split(separator: ",\"value\":").last?.split(separator: ",").first))
        }
        #expect(values == ["9223372036854775807", "-9223372036854775808", "9007199254740993", "-9007199254740993", "0.5"])
        _ = try JSONValidator.events(try JSONLinesEncoder().encode([Self.metrics]), framing: .lines)
    }

    @Test("JSON lines: a log record's event name and dropped attributes; absent when it has none")
    func flatLogs() throws {
        let lines = try Self.lines(Self.logs)
        #expect(lines[0].hasSuffix(#","event_name":"checkout.order_placed","dropped_attributes_count":7}"#))
        #expect(!lines[1].contains("event_name") && !lines[1].contains("dropped"))
    }

    @Test("JSON lines: a span's 32-bit flags, link flags and dropped counts in the OTLP/JSON span shape")
    func flatSpans() throws {
        let line = try #require(try Self.lines(Self.spans).first)
        let span = try Self.object(Array(line.utf8))
        #expect(span["flags"] as? Int == 0x300)
        #expect(span["droppedAttributesCount"] as? Int == 2 && span["droppedEventsCount"] as? Int == 3)
        #expect(span["droppedLinksCount"] as? Int == 5)
        let links = try #require(span["links"] as? [[String: Any]])
        #expect(links.map { $0["flags"] as? Int } == [0x301, nil], "zero flags are left out, as proto3 JSON does")
        #expect(links[0]["droppedAttributesCount"] as? Int == 4 && links[1]["droppedAttributesCount"] == nil)
        #expect((span["events"] as? [[String: Any]])?.first?["droppedAttributesCount"] as? Int == 1)
    }

    @Test("an up-down counter leaves as OTLP's non-monotonic sum, and as a gauge where Prometheus' types are all there is")
    func upDownCounter() throws {
        let body = try OTLPProtobufEncoder(signal: .metrics).encode([Self.metrics])
        let metric = try OTLPMetricsRequest(serializedBytes: body).resourceMetrics[0].scopeMetrics[0].metrics[1]
        #expect(metric.sum.isMonotonic == false && metric.sum.aggregationTemporality == .cumulative)
        #expect(metric.sum.dataPoints.map(\.value) == [.asInt(-3)])
        let flat = try #require(try Self.lines(Self.metrics).last)
        #expect(flat.hasPrefix(#"{"name":"queue.depth.change","type":"gauge","unit":"{message}","labels":{"queue":"refunds"},"value":-3,"#))
        let remoteWrite = try RemoteWriteEncoderTests.encode([Self.metrics])
        #expect(remoteWrite.metadata.last?.type == .gauge && remoteWrite.metadata.last?.metricFamilyName == "queue_depth_change")
        #expect(remoteWrite.timeseries.last?.samples.map(\.value) == [-3])
        guard case .metrics(let batch) = Self.metrics.payload else {
            Issue.record("not metrics")
            return
        }
        var text: [UInt8] = []
        PrometheusText.write([batch.families[1]], into: &text)
        #expect(String(decoding: text, as: UTF8.self).contains("# TYPE queue.depth.change gauge\n"))
    }

    // MARK: - OTLP/HTTP, protobuf and JSON

    @Test("protobuf: every field parses back, integers as as_int", arguments: [Signal.logs, .metrics, .traces])
    func protobuf(signal: Signal) throws {
        let batch = switch signal {
        case .logs: Self.logs
        case .metrics: Self.metrics
        case .traces: Self.spans
        }
        let body = try OTLPProtobufEncoder(signal: signal).encode([batch])
        let decoded = try OTLPEncoderTests.decode(body, signal)
        #expect(decoded.partialSuccess.isEmpty && decoded.batches == [batch])
        if signal == .metrics {
            let points = try OTLPMetricsRequest(serializedBytes: body).resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints
            #expect(points.map(\.value) == Self.integers.map { .asInt($0) } + [.asDouble(0.5)])
        }
    }

    @Test("JSON metrics and logs are the proto3 JSON mapping of the protobuf request (asInt as strings, schemaUrl, scope attributes)")
    func jsonMatchesProtobuf() throws {
        let metricsJSON = try OTLPJSONEncoder(signal: .metrics).encode([Self.metrics])
        let metricsProto = try OTLPProtobufEncoder(signal: .metrics).encode([Self.metrics])
        #expect(try OTLPMetricsRequest(jsonUTF8Bytes: metricsJSON) == OTLPMetricsRequest(serializedBytes: metricsProto))
        #expect(String(decoding: metricsJSON, as: UTF8.self).contains(#""asInt":"9223372036854775807""#))
        // Log records without ids: OTLP/JSON's hex ids are the one place it departs from proto3 JSON.
        let logsJSON = try OTLPJSONEncoder(signal: .logs).encode([Self.logs])
        let logsProto = try OTLPProtobufEncoder(signal: .logs).encode([Self.logs])
        #expect(try OTLPLogsRequest(jsonUTF8Bytes: logsJSON) == OTLPLogsRequest(serializedBytes: logsProto))
    }

    @Test("JSON spans: flags, link flags, dropped counts, scope attributes and schema URLs")
    func jsonSpans() throws {
        let request = try Self.object(try OTLPJSONEncoder(signal: .traces).encode([Self.spans]))
        let resourceSpans = try #require((request["resourceSpans"] as? [[String: Any]])?.first)
        #expect(resourceSpans["schemaUrl"] as? String == "https://opentelemetry.io/schemas/1.21.0")
        let scopeSpans = try #require((resourceSpans["scopeSpans"] as? [[String: Any]])?.first)
        #expect(scopeSpans["schemaUrl"] as? String == "https://opentelemetry.io/schemas/1.24.0")
        let scope = try #require(scopeSpans["scope"] as? [String: Any])
        let scopeAttributes = try #require(scope["attributes"] as? [[String: Any]])
        #expect(scopeAttributes.compactMap { $0["key"] as? String } == ["scope.kind", "shard"])
        #expect((scopeAttributes[1]["value"] as? [String: String]) == ["intValue": "2"])
        let span = try #require((scopeSpans["spans"] as? [[String: Any]])?.first)
        #expect(span["flags"] as? Int == 0x300 && span["droppedLinksCount"] as? Int == 5)
        #expect((span["links"] as? [[String: Any]])?.first?["flags"] as? Int == 0x301)
    }
}
