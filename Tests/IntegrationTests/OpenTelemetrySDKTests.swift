import Foundation
import TestSink
import TestSupport
import Testing

/// The real OpenTelemetry Python SDK (PyPI's opentelemetry-sdk and its OTLP/HTTP protobuf
/// exporters, 1.45) sending to the real agent's `otlp` source, which forwards through the
/// `otlp_http` exporter to a backend on the official opentelemetry-proto classes
/// (Fixtures/otel_sdk, ExportersTests' otlp_receiver.py). What the SDK's exporters sent and
/// what the backend received are compared field by field; the SDK is pushed back with 503
/// + Retry-After and must lose nothing; log lines from a file meet the SDK's span in the
/// same trace.
@Suite("OpenTelemetry SDK → agent → OTLP backend", .serialized, .timeLimit(.minutes(4)))
struct OpenTelemetrySDKTests {
    static let fixtures = AgentProcess.repositoryRoot + "/Tests/IntegrationTests/Fixtures/otel_sdk"

    /// An `otlp` source on a port the agent picks and logs.
    static func otlpSource(_ name: String = "app_otlp", retryAfter: String = "1s") -> String {
        """
          \(name):
            type: otlp
            listen: 127.0.0.1:0
            retry_after: \(retryAfter)
        """
    }

    /// Starts the agent; its local server's port and its otlp source's.
    static func start(config: String, directory: TemporaryDirectory) async throws -> (agent: AgentProcess, port: Int, otlpPort: Int) {
        let file = try directory.write("outrider.yaml", config)
        let agent = try AgentProcess(["run", "--config", file])
        let port = try #require(await agent.listeningPort(), "no listening line in:\n\(agent.text)")
        var otlpPort: Int?
        _ = await eventually(within: 20) {
            for line in agent.text.split(separator: "\n") where line.contains("otlp receiver listening") {
                if let range = line.range(of: #""address":"127.0.0.1:"#) {
                    otlpPort = Int(line[range.upperBound...].prefix { $0.isNumber })
                }
            }
            return otlpPort != nil
        }
        return (agent, port, try #require(otlpPort, "the otlp source never said where it listens:\n\(agent.text)"))
    }

    /// send.py in the background: the SDK, journaling every export and HTTP attempt.
    static func sdk(python: String, otlpPort: Int, journal: String, _ arguments: [String] = []) throws -> AgentProcess {
        try AgentProcess(
            ["\(fixtures)/send.py", "--endpoint", "http://127.0.0.1:\(otlpPort)", "--journal", journal] + arguments,
            executable: python)
    }

    /// compare.py: its summary line and differences, and whether it found the two sides equal.
    static func compare(python: String, journal: String, backend: OTLPBackend, _ arguments: [String]) throws -> Command.Result {
        try Command.run(
            python, ["\(fixtures)/compare.py", "--sent", journal, "--received", backend.requestsFile, "--wait", "30"] + arguments,
            timeoutSeconds: 60)
    }

    static func journal(_ path: String) -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
    }

    // MARK: - Field by field

    @Test("spans, logs and metrics from the SDK arrive field by field as it sent them")
    func fieldByField() async throws {
        guard let python = Prerequisite.testPython() else { return }
        let directory = try TemporaryDirectory("outrider-sdk")
        guard let backend = try await OTLPBackend.start(python: python, directory: directory) else { return }
        defer { backend.stop() }
        let config = """
            service:
              name: sdk-agent
              attributes: {deployment.environment: ci}
            log: {level: info, format: json}
            server: {listen: "127.0.0.1:0"}
            sources:
            \(Self.otlpSource())
            exporters:
              collector:
                type: otlp_http
                endpoint: http://127.0.0.1:\(backend.port)
                batch: {max_events: 1000, max_wait: 50ms}
                retry: {initial_backoff: 50ms, max_backoff: 500ms}
            pipelines:
              logs: {sources: [app_otlp], exporters: [collector]}
              metrics: {sources: [app_otlp], exporters: [collector]}
              traces: {sources: [app_otlp], exporters: [collector]}
            """
        let (agent, _, otlpPort) = try await Self.start(config: config, directory: directory)
        let journal = "\(directory.path)/sent.jsonl"
        let sdk = try Self.sdk(python: python, otlpPort: otlpPort, journal: journal, ["--scenario", "full", "--gzip", "traces,metrics"])
        #expect(await sdk.waitForExit(within: 60) == 0, "the SDK's exports failed:\n\(sdk.text)\n\(agent.text)")

        // The agent adds its service attributes where the SDK's resource has none: the SDK
        // sets service.name and service.instance.id itself, so only the environment is new.
        let result = try Self.compare(
            python: python, journal: journal, backend: backend,
            ["--require-coverage", "--added", "deployment.environment=ci"])
        #expect(result.status == 0, "what the SDK sent and what arrived differ:\n\(result.output)\nagent:\n\(agent.text)")
        agent.signal(SIGTERM)
        #expect(await agent.waitForExit(within: 20) == 0, "\(agent.text)")
    }

    // MARK: - 503 + Retry-After

    /// The backend is down, the agent's small `block` buffer fills, the agent answers the
    /// SDK 503 + Retry-After; then the backend comes up. The SDK (1.45's
    /// `_OTLPHTTPClient.export`) retries 503 and uses a Retry-After in seconds as its wait
    /// instead of its own backoff (2^n s ± 20 %), up to 6 attempts within the export
    /// timeout: every span must arrive, exactly once.
    @Test("503 + Retry-After when the buffer is full: the SDK waits as told, every span arrives once")
    func backPressure() async throws {
        guard let python = Prerequisite.testPython() else { return }
        let directory = try TemporaryDirectory("outrider-sdk-503")
        // Nobody listens there until the agent has pushed back.
        let backendPort = freeLoopbackPort()
        let spans = 3000
        let config = """
            log: {level: info, format: json}
            server: {listen: "127.0.0.1:0"}
            sources:
            \(Self.otlpSource(retryAfter: "2s"))
            exporters:
              collector:
                type: otlp_http
                endpoint: http://127.0.0.1:\(backendPort)
                batch: {max_events: 512, max_bytes: 64KiB, max_wait: 50ms}
                retry: {initial_backoff: 100ms, max_backoff: 300ms, max_elapsed: 10m}
                buffer: {type: memory, max_size: 128KiB, when_full: block}
            pipelines:
              traces: {sources: [app_otlp], exporters: [collector]}
            """
        let (agent, port, otlpPort) = try await Self.start(config: config, directory: directory)
        let journal = "\(directory.path)/sent.jsonl"
        let sdk = try Self.sdk(
            python: python, otlpPort: otlpPort, journal: journal, ["--scenario", "burst", "--spans", String(spans), "--timeout", "60", "--gzip", ""])

        let pushedBack = await eventually(within: 30) { Self.refused503(port) > 0 }
        try #require(pushedBack, "the agent never answered 503 with its backend down:\n\(agent.text)\n\(sdk.text)")
        guard let backend = try await OTLPBackend.start(python: python, directory: directory, port: backendPort) else { return }
        defer { backend.stop() }
        #expect(await sdk.waitForExit(within: 90) == 0, "the SDK gave up:\n\(sdk.text)\n\(agent.text)")

        let result = try Self.compare(python: python, journal: journal, backend: backend, [])
        #expect(result.status == 0, "spans lost, duplicated or changed:\n\(result.output)\nagent:\n\(agent.text)")
        #expect(result.output.contains(#""spans": \#(spans)"#), "\(result.output)")

        // What the SDK did: each HTTP attempt's status, and the wait before the next one.
        let attempts = Self.journal(journal).filter { $0["kind"] as? String == "attempt" }
        let refused = attempts.indices.filter { attempts[$0]["status"] as? Int == 503 }
        try #require(!refused.isEmpty, "the SDK never saw a 503: \(attempts)")
        var waits: [Double] = []
        for index in refused where index + 1 < attempts.count {
            #expect(attempts[index]["retry_after"] as? String == "2")
            let end = attempts[index]["end"] as? Double ?? 0, next = attempts[index + 1]["start"] as? Double ?? 0
            waits.append(next - end)
        }
        print("SDK attempts: \(attempts.map { "\($0["status"] as? Int ?? 0)" }.joined(separator: " ")); waits after 503: \(waits.map { String(format: "%.2fs", $0) })")
        // Each export's first retry would come after 0.8–1.2 s of the SDK's own backoff:
        // 2 s every time is the Retry-After, honoured.
        #expect(!waits.isEmpty && waits.allSatisfy { $0 >= 1.95 }, "waits after 503: \(waits)")
        // The agent copies its receiver's counters to /metrics once a second.
        #expect(await eventually(within: 5) { Self.refused503(port) == Double(refused.count) }, "the agent's count of 503s is what the SDK saw")
        agent.signal(SIGTERM)
        #expect(await agent.waitForExit(within: 20) == 0, "\(agent.text)")
    }

    /// `outrider_receiver_requests_total{code="503"}`, summed over its other labels.
    static func refused503(_ port: Int) -> Double {
        let exposition = PrometheusExposition((try? RawHTTP.get("/metrics", port: port).body) ?? "")
        return exposition.samples["outrider_receiver_requests_total", default: [:]]
            .filter { $0.key.contains(#"code="503""#) }.values.reduce(0, +)
    }

    // MARK: - Log–trace correlation

    static let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let parentID = "00f067aa0ba902b7"
    static let otherSpanID = "53995c3f42cd8ad8"

    /// A JSON log file with a traceparent on one line and trace_id/span_id fields on
    /// another, and the SDK's span continuing that traceparent: the records reach the OTLP
    /// backend with the ids in their trace_id/span_id fields, and Loki as structured
    /// metadata, in the span's trace.
    @Test("a log line's traceparent and the SDK's span meet in one trace, in OTLP fields and Loki metadata")
    func logTraceCorrelation() async throws {
        guard let python = Prerequisite.testPython() else { return }
        let directory = try TemporaryDirectory("outrider-sdk-correlation")
        let loki = "/loki/api/v1/push"
        guard let backend = try await OTLPBackend.start(python: python, directory: directory, capture: [loki]) else { return }
        defer { backend.stop() }
        let sink = try await TestSink.start()
        defer { Task { try? await sink.stop() } }
        try directory.write("logs/app.log", """
            {"timestamp":"2026-03-01T10:00:00.000000001Z","level":"info","message":"charge started","traceparent":"00-\(Self.traceID)-\(Self.parentID)-01"}
            {"timestamp":"2026-03-01T10:00:00.5Z","level":"warn","message":"charge slow","trace_id":"\(Self.traceID)","span_id":"\(Self.otherSpanID)"}
            {"timestamp":"2026-03-01T10:00:01Z","level":"info","message":"no trace here"}

            """)
        let config = """
            log: {level: info, format: json}
            server: {listen: "127.0.0.1:0"}
            sources:
              files:
                type: file_logs
                include: ["\(directory.path)/logs/*.log"]
                format: json
                start_at: beginning
                checkpoint_dir: \(directory.path)/checkpoints
            \(Self.otlpSource())
            exporters:
              collector:
                type: otlp_http
                endpoint: http://127.0.0.1:\(backend.port)
                batch: {max_events: 100, max_wait: 50ms}
              loki:
                type: loki
                endpoint: http://127.0.0.1:\(sink.port)\(loki)
                batch: {max_events: 100, max_wait: 50ms}
              loki_values:
                type: loki
                endpoint: http://127.0.0.1:\(backend.port)\(loki)
                batch: {max_events: 100, max_wait: 50ms}
            pipelines:
              logs: {sources: [files], exporters: [collector, loki, loki_values]}
              traces: {sources: [app_otlp], exporters: [collector]}
            """
        let (agent, _, otlpPort) = try await Self.start(config: config, directory: directory)
        let sdk = try Self.sdk(
            python: python, otlpPort: otlpPort, journal: "\(directory.path)/sent.jsonl",
            ["--scenario", "correlate", "--traceparent", "00-\(Self.traceID)-\(Self.parentID)-01"])
        #expect(await sdk.waitForExit(within: 60) == 0, "\(sdk.text)\n\(agent.text)")

        var records: [[String: Any]] = [], spans: [[String: Any]] = [], pushes: [[String: Any]] = []
        let arrived = await eventually(within: 30) {
            let requests = backend.requests()
            records = Self.items(requests, path: "/v1/logs", "resourceLogs", "scopeLogs", "logRecords")
            spans = Self.items(requests, path: "/v1/traces", "resourceSpans", "scopeSpans", "spans")
            pushes = requests.filter { $0["path"] as? String == loki }
            return records.count == 3 && spans.count == 1 && Self.lokiEntries(pushes).count == 3 && sink.stats.lines == 3
        }
        try #require(arrived, "records \(records), spans \(spans), loki \(pushes), sink \(sink.stats.json)\n\(backend.log)\n\(agent.text)")

        let span = spans[0]
        #expect(Self.hex(span["traceId"]) == Self.traceID && Self.hex(span["parentSpanId"]) == Self.parentID, "\(span)")
        let byMessage = Dictionary(records.map { (Self.body($0), $0) }, uniquingKeysWith: { first, _ in first })
        let started = try #require(byMessage["charge started"], "\(records)")
        #expect(Self.hex(started["traceId"]) == Self.traceID && Self.hex(started["spanId"]) == Self.parentID, "\(started)")
        #expect(started["flags"] as? Int == 1, "the traceparent's sampled flag: \(started)")
        let slow = try #require(byMessage["charge slow"], "\(records)")
        #expect(Self.hex(slow["traceId"]) == Self.traceID && Self.hex(slow["spanId"]) == Self.otherSpanID, "\(slow)")
        let untraced = try #require(byMessage["no trace here"], "\(records)")
        #expect(untraced["traceId"] == nil && untraced["spanId"] == nil, "\(untraced)")

        // Loki: the ids as structured metadata, lowercase hex, on exactly the traced lines.
        let metadata = Dictionary(Self.lokiEntries(pushes).map { ($0.line, $0.metadata) }, uniquingKeysWith: { first, _ in first })
        func entry(_ message: String) -> [String: String]? { metadata.first { $0.key.contains(message) }?.value }
        #expect(entry("charge started") == ["trace_id": Self.traceID, "span_id": Self.parentID], "\(metadata)")
        #expect(entry("charge slow") == ["trace_id": Self.traceID, "span_id": Self.otherSpanID], "\(metadata)")
        let untracedEntry = try #require(entry("no trace here"), "\(metadata)")
        #expect(untracedEntry["trace_id"] == nil && untracedEntry["span_id"] == nil, "\(metadata)")
        let stats = sink.stats
        #expect(stats.rejectedRequests == 0, "every push passed the sink's schema check: \(stats.json)")
        #expect(stats.lokiMetadata["trace_id"] == 2 && stats.lokiMetadata["span_id"] == 2, "\(stats.json)")
        agent.signal(SIGTERM)
        #expect(await agent.waitForExit(within: 20) == 0, "\(agent.text)")
    }

    /// The items of every request to `path`, from the backend's MessageToDict form.
    static func items(_ requests: [[String: Any]], path: String, _ resources: String, _ scopes: String, _ items: String) -> [[String: Any]] {
        requests.filter { $0["path"] as? String == path }.flatMap { request -> [[String: Any]] in
            let top = (request["request"] as? [String: Any])?[resources] as? [[String: Any]] ?? []
            return top.flatMap { ($0[scopes] as? [[String: Any]] ?? []).flatMap { $0[items] as? [[String: Any]] ?? [] } }
        }
    }

    /// Every entry of the captured Loki pushes: its line and structured metadata.
    static func lokiEntries(_ pushes: [[String: Any]]) -> [(line: String, metadata: [String: String])] {
        pushes.flatMap { push -> [(line: String, metadata: [String: String])] in
            let streams = (push["body"] as? [String: Any])?["streams"] as? [[String: Any]] ?? []
            return streams.flatMap { stream in
                (stream["values"] as? [[Any]] ?? []).map { value in
                    (value.count > 1 ? value[1] as? String ?? "" : "", value.count > 2 ? value[2] as? [String: String] ?? [:] : [:])
                }
            }
        }
    }

    /// The message a JSON log line's record carries in its body (the whole line).
    static func body(_ record: [String: Any]) -> String {
        let line = ((record["body"] as? [String: Any])?["stringValue"] as? String) ?? ""
        for message in ["charge started", "charge slow", "no trace here"] where line.contains(message) { return message }
        return line
    }

    /// proto3 JSON writes bytes in base64; ids read as lowercase hex.
    static func hex(_ value: Any?) -> String? {
        guard let text = value as? String, let data = Data(base64Encoded: text) else { return nil }
        return data.map { String(format: "%02x", $0) }.joined()
    }
}
