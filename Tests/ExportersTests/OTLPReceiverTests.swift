import AsyncHTTPClient
import Foundation
import OTLP
import Telemetry
import TestSupport
import Testing
@testable import Exporters

/// The receiver in Fixtures/otlp/otlp_receiver.py (the official opentelemetry-proto
/// classes from PyPI), run on 127.0.0.1 for one test and stopped after it.
final class PythonOTLPReceiver {
    /// The port the receiver bound itself (0 until it said so).
    private(set) var port = 0
    let output: String
    private let process: Process
    private let directory: TemporaryDirectory

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/otlp/otlp_receiver.py").path

    /// Nil when the test venv is missing (a note locally, a failure in CI).
    /// - Parameter responses: what to answer the next requests, in turn (see the script).
    static func start(responses: String = "[]") async throws -> PythonOTLPReceiver? {
        guard let python = Prerequisite.testPython() else { return nil }
        let receiver = try PythonOTLPReceiver(python: python, responses: responses)
        let portFile = "\(receiver.directory.path)/port"
        guard await eventually(within: 20, {
            guard let text = try? String(contentsOfFile: portFile, encoding: .utf8), let port = Int(text) else { return false }
            receiver.port = port
            return (try? RawHTTP.get("/healthz", port: port).status) == 200
        }) else {
            let log = receiver.log
            receiver.stop()
            Issue.record("the OTLP receiver did not start: \(log)")
            return nil
        }
        return receiver
    }

    private init(python: String, responses: String) throws {
        directory = try TemporaryDirectory("outrider-otlp-receiver")
        output = "\(directory.path)/requests.jsonl"
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.script, "--port", "0", "--port-file", "\(directory.path)/port", "--out", output, "--responses", responses, "--lifetime", "110"]
        let log = "\(directory.path)/receiver.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    var log: String { (try? String(contentsOfFile: "\(directory.path)/receiver.log", encoding: .utf8)) ?? "" }

    /// One entry per request received, as the receiver decoded it.
    func requests() throws -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: output, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// The exporter's requests decoded by an OTLP implementation other than ours: ids,
/// attributes, severities, metric points and histogram buckets checked field by field, in
/// every encoding and compression.
@Suite("OTLP/HTTP: against a receiver built on the official Python definitions", .serialized, .timeLimit(.minutes(3)))
struct OTLPReceiverTests {
    struct Variant: Sendable, CustomStringConvertible {
        var encoding: OTLPEncoding
        var compression: HTTPCompression
        var description: String { "\(encoding)+\(compression)" }
    }

    static let variants = [
        Variant(encoding: .protobuf, compression: .none), Variant(encoding: .protobuf, compression: .gzip),
        Variant(encoding: .json, compression: .none), Variant(encoding: .json, compression: .gzip),
    ]

    /// The exporter as the agent builds it: one HTTPSender per signal behind a router.
    static func exporter(_ client: HTTPClient, port: Int, _ variant: Variant, logs: LogCapture = LogCapture()) throws -> SignalRouter {
        var senders: [Signal: any ExportSender] = [:]
        for signal in Signal.allCases {
            senders[signal] = try HTTPSender(
                client: client,
                configuration: HTTPSenderConfiguration(
                    endpoint: OTLPEndpoint.url(base: "http://127.0.0.1:\(port)/", signal: signal), compression: variant.compression),
                encoder: variant.encoding.encoder(for: signal),
                classifier: OTLPResponseClassifier(signal: signal, encoding: variant.encoding, logger: logs.logger),
                logger: Harness.quiet)
        }
        return SignalRouter(senders)
    }

    static func withClient(_ body: (HTTPClient) async throws -> Void) async throws {
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: HTTPClientDefaults.configuration())
        do {
            try await body(client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    // Navigating MessageToDict output.
    static func dict(_ value: Any?, _ key: String) throws -> [String: Any] {
        try #require((value as? [String: Any])?[key] as? [String: Any], "no object \(key) in \(String(describing: value))")
    }

    /// The one element of `values`, or a failed requirement.
    static func only(_ values: [[String: Any]]) throws -> [String: Any] {
        try #require(values.count == 1, "expected one element, got \(values.count)")
        return values[0]
    }

    static func list(_ value: Any?, _ key: String) throws -> [[String: Any]] {
        try #require((value as? [String: Any])?[key] as? [[String: Any]], "no list \(key) in \(String(describing: value))")
    }

    /// proto3 JSON writes bytes in base64.
    static func bytes(_ value: Any?) -> [UInt8]? {
        (value as? String).flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) }
    }

    static func hex(_ id: TraceID) -> [UInt8] { bigEndian(id.high) + bigEndian(id.low) }
    static func hex(_ id: SpanID) -> [UInt8] { bigEndian(id.value) }
    static func bigEndian(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) } }

    static func attribute(_ attributes: [[String: Any]], _ key: String) -> [String: Any]? {
        attributes.first { $0["key"] as? String == key }?["value"] as? [String: Any]
    }

    @Test("logs, metrics and spans arrive as sent", arguments: variants)
    func fieldByField(variant: Variant) async throws {
        guard let receiver = try await PythonOTLPReceiver.start() else { return }
        defer { receiver.stop() }
        try await Self.withClient { client in
            let exporter = try Self.exporter(client, port: receiver.port, variant)
            for signal in Signal.allCases {
                let outcome = await exporter.send([OTLPExportSamples.batch(signal)])
                #expect(outcome == .delivered, "\(signal): \(outcome); \(receiver.log)")
            }
        }
        let requests = try receiver.requests()
        try #require(requests.count == 3, "\(requests)")
        for request in requests {
            #expect(request["error"] == nil, "\(request["error"] ?? "")")
            let headers = try #require(request["headers"] as? [String: String])
            #expect(headers["content-type"] == variant.encoding.contentType)
            #expect(headers["content-encoding"] == (variant.compression == .gzip ? "gzip" : nil))
        }
        #expect(requests.map { $0["path"] as? String } == ["/v1/logs", "/v1/metrics", "/v1/traces"])
        try Self.checkLogs(requests[0]["request"])
        try Self.checkMetrics(requests[1]["request"])
        try Self.checkSpans(requests[2]["request"])

        // Every field, all at once: what the official classes decoded, re-serialized by them
        // and read back by our conversion, is what was sent.
        for (index, signal) in Signal.allCases.enumerated() {
            let protobuf = try #require(Self.bytes(requests[index]["protobuf"]))
            #expect(try OTLPEncoderTests.decode(protobuf, signal).batches == [OTLPExportSamples.batch(signal)], "\(signal)")
        }
    }

    static func checkLogs(_ request: Any?) throws {
        let resourceLogs = try list(request, "resourceLogs")
        try #require(resourceLogs.count == 1)
        let resource = try list(dict(resourceLogs[0], "resource"), "attributes")
        #expect(attribute(resource, "service.name")?["stringValue"] as? String == "checkout")
        let scopes = try list(resourceLogs[0], "scopeLogs")
        try #require(scopes.count == 2)
        #expect(try dict(scopes[0], "scope") as? [String: String] == ["name": "io.opentelemetry.checkout", "version": "1.4.0"])
        let records = try list(scopes[0], "logRecords")
        try #require(records.count == 2)
        let first = records[0]
        #expect(bytes(first["traceId"]) == hex(OTLPExportSamples.traceID))
        #expect(bytes(first["spanId"]) == hex(OTLPExportSamples.spanID))
        #expect(first["severityNumber"] as? String == "SEVERITY_NUMBER_ERROR" && first["severityText"] as? String == "ERROR")
        #expect(first["timeUnixNano"] as? String == "1795521599999999000")
        #expect(first["observedTimeUnixNano"] as? String == "1795521600000000000")
        #expect(first["flags"] as? Int == 1)
        #expect(try dict(first, "body")["stringValue"] as? String == "payment failed: ünknown card 💳\n")
        let attributes = try list(first, "attributes")
        #expect(attribute(attributes, "http.method")?["stringValue"] as? String == "GET")
        #expect(attribute(attributes, "http.status_code")?["intValue"] as? String == "503")
        #expect(attribute(attributes, "retry")?["boolValue"] as? Bool == true)
        #expect(attribute(attributes, "ratio")?["doubleValue"] as? Double == 0.25)
        #expect(bytes(attribute(attributes, "raw")?["bytesValue"]) == [0x00, 0xFF])
        let tags = try list(try dict(attribute(attributes, "tags"), "arrayValue"), "values")
        #expect(tags.count == 3 && tags[0]["stringValue"] as? String == "a" && tags[1]["intValue"] as? String == "1")
        #expect(try list(try dict(tags[2], "arrayValue"), "values").first?["boolValue"] as? Bool == false)
        let context = try list(try dict(attribute(attributes, "ctx"), "kvlistValue"), "values")
        let user = try list(try dict(try dict(context.first, "value"), "kvlistValue"), "values")
        #expect(attribute(user, "name")?["stringValue"] as? String == "zoë ✓" && attribute(user, "id")?["intValue"] as? String == "42")

        let second = records[1]
        #expect(bytes(try dict(second, "body")["bytesValue"]) == OTLPExportSamples.invalidUTF8)
        #expect(second["severityNumber"] as? String == "SEVERITY_NUMBER_FATAL4" && second["traceId"] == nil)
        let unscoped = try list(scopes[1], "logRecords")
        #expect(scopes[1]["scope"] == nil && unscoped.first?["severityNumber"] as? String == "SEVERITY_NUMBER_WARN")
    }

    static func checkMetrics(_ request: Any?) throws {
        let scopes = try list(try only(list(request, "resourceMetrics")), "scopeMetrics")
        let metrics = try scopes.flatMap { try list($0, "metrics") }
        try #require(metrics.count == 3)
        let counter = metrics[0]
        #expect(counter["name"] as? String == "http_requests_total" && counter["description"] as? String == "Requests served.")
        #expect(counter["unit"] as? String == "1")
        let sum = try dict(counter, "sum")
        #expect(sum["isMonotonic"] as? Bool == true && sum["aggregationTemporality"] as? String == "AGGREGATION_TEMPORALITY_CUMULATIVE")
        let points = try list(sum, "dataPoints")
        try #require(points.count == 2)
        #expect(points[0]["asDouble"] as? Double == 1027)
        #expect(points[0]["timeUnixNano"] as? String == "1795521600000000000" && points[0]["startTimeUnixNano"] as? String == "1795518000000000000")
        let labels = try list(points[1], "attributes")
        #expect(labels.compactMap { $0["key"] as? String } == ["method", "code"])
        #expect(attribute(labels, "code")?["stringValue"] as? String == "503")

        let histogram = try dict(metrics[1], "histogram")
        #expect(metrics[1]["name"] as? String == "http_request_duration_seconds" && metrics[1]["unit"] as? String == "s")
        #expect(histogram["aggregationTemporality"] as? String == "AGGREGATION_TEMPORALITY_CUMULATIVE")
        let buckets = try list(histogram, "dataPoints")
        try #require(buckets.count == 2)
        #expect(buckets[0]["bucketCounts"] as? [String] == ["1", "0", "5", "3", "0", "2"])
        #expect(buckets[0]["explicitBounds"] as? [Double] == [0.005, 0.01, 0.1, 1, 10])
        #expect(buckets[0]["count"] as? String == "11" && buckets[0]["sum"] as? Double == 27.125)
        #expect(buckets[0]["min"] as? Double == 0.001 && buckets[0]["max"] as? Double == 17.5)
        #expect(buckets[0]["startTimeUnixNano"] as? String == "1795521540000000000")
        #expect(buckets[1]["timeUnixNano"] as? String == "1795521599999999995" && buckets[1]["min"] == nil)
        #expect(attribute(try list(buckets[1], "attributes"), "route")?["stringValue"] as? String == "/cart")

        let gauge = try list(try dict(metrics[2], "gauge"), "dataPoints")
        #expect(gauge.count == 2 && gauge[0]["asDouble"] as? Double == 8.5e9 && gauge[1]["asDouble"] as? String == "-Infinity")
    }

    static func checkSpans(_ request: Any?) throws {
        let scopes = try list(try only(list(request, "resourceSpans")), "scopeSpans")
        let spans = try list(try only(scopes), "spans")
        try #require(spans.count == 2)
        let root = spans[0]
        #expect(bytes(root["traceId"]) == hex(OTLPExportSamples.traceID) && bytes(root["spanId"]) == hex(OTLPExportSamples.spanID))
        #expect(root["parentSpanId"] == nil && root["traceState"] as? String == "vendor=a" && root["flags"] as? Int == 1)
        #expect(root["name"] as? String == "GET /checkout" && root["kind"] as? String == "SPAN_KIND_SERVER")
        #expect(root["startTimeUnixNano"] as? String == "1795521599998000000" && root["endTimeUnixNano"] as? String == "1795521600000000000")
        #expect(try dict(root, "status") as? [String: String] == ["code": "STATUS_CODE_ERROR", "message": "payment declined"])
        #expect(attribute(try list(root, "attributes"), "http.status_code")?["intValue"] as? String == "503")
        let event = try #require(try list(root, "events").first)
        #expect(event["name"] as? String == "exception" && event["timeUnixNano"] as? String == "1795521599999000000")
        #expect(attribute(try list(event, "attributes"), "exception.message")?["stringValue"] as? String == "declined")
        let link = try #require(try list(root, "links").first)
        #expect(bytes(link["traceId"]) == hex(OTLPExportSamples.linkedTraceID) && bytes(link["spanId"]) == hex(OTLPExportSamples.childID))
        #expect(link["traceState"] as? String == "x=y")
        let child = spans[1]
        #expect(bytes(child["parentSpanId"]) == hex(OTLPExportSamples.spanID) && child["kind"] as? String == "SPAN_KIND_CLIENT")
        #expect(try dict(child, "status")["code"] as? String == "STATUS_CODE_OK")
    }

    @Test("partial_success from the receiver: rejected items counted, the server's message logged", arguments: [OTLPEncoding.protobuf, .json])
    func partialSuccess(encoding: OTLPEncoding) async throws {
        let responses = #"[{"status": 200, "rejected": 2, "message": "2 log records are too old"}]"#
        guard let receiver = try await PythonOTLPReceiver.start(responses: responses) else { return }
        defer { receiver.stop() }
        let buffer = try await Harness.filledBuffer(events: 10, perItem: 10)
        await buffer.close()
        let logs = LogCapture()
        let stats = ExporterStats()
        try await Self.withClient { client in
            let exporter = try Self.exporter(client, port: receiver.port, Variant(encoding: encoding, compression: .gzip))
            await Harness.loop(buffer, exporter, stats: stats, logger: logs.logger).run()
        }
        #expect(try receiver.requests().count == 1)
        #expect(buffer.stats.dropped[DropReason.rejected] == 2 && stats.sentEvents == 8)
        #expect(logs.messages(.warning) == ["exporter test: backend rejected 2 of 10 events: server rejected 2 log records: 2 log records are too old"])
    }

    @Test("429 with Retry-After and 503 are retried, then delivered; 400 and 500 are refused with the server's reason")
    func statuses() async throws {
        let responses = """
            [{"status": 429, "retry_after": "7", "message": "slow down"}, {"status": 503, "message": "overloaded"},
             {"status": 400, "message": "trace_id: invalid length"}, {"status": 500, "message": "exporter crashed"}]
            """.replacingOccurrences(of: "\n", with: " ")
        guard let receiver = try await PythonOTLPReceiver.start(responses: responses) else { return }
        defer { receiver.stop() }
        try await Self.withClient { client in
            let exporter = try Self.exporter(client, port: receiver.port, Variant(encoding: .protobuf, compression: .none))
            let batch = [OTLPExportSamples.spans]
            #expect(await exporter.send(batch) == .retryable(reason: "429 Too Many Requests: slow down", retryAfter: .seconds(7)))
            #expect(await exporter.send(batch) == .retryable(reason: "503 Service Unavailable: overloaded"))
            #expect(await exporter.send(batch) == .permanent(reason: "400 Bad Request: trace_id: invalid length"))
            #expect(await exporter.send(batch) == .permanent(reason: "500 Internal Server Error: exporter crashed"))
            #expect(await exporter.send(batch) == .delivered)
        }
        #expect(try receiver.requests().count == 5)
    }
}
