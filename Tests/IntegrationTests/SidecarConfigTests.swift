import Foundation
import TestSink
import TestSupport
import Testing

/// The bundled sidecar config (manifests/base/sidecar.yaml, the ConfigMap the manifests
/// mount) run by the real agent as the pod would run it: the Deployment's environment, its
/// paths moved under a temp dir, its three backends pointed at the sink. What a service
/// writes to its log files and sends over OTLP arrives at Loki, the collector and remote_write.
@Suite("The bundled sidecar config, end to end", .timeLimit(.minutes(2)))
struct SidecarConfigTests {
    static let lines = 200

    @Test func whatTheServiceProducesReachesEveryBackend() async throws {
        let directory = try TemporaryDirectory()
        let sink = try await TestSink.start()
        defer { Task { try? await sink.stop() } }
        for name in ["logs", "state", "secrets"] {
            try FileManager.default.createDirectory(atPath: directory.path + "/" + name, withIntermediateDirectories: true)
        }
        for token in ["otlp-token", "remote-write-token", "loki-token"] {
            _ = try directory.write("secrets/" + token, "test-token\n")
        }
        let otlpPort = freeLoopbackPort()
        let original = try String(contentsOfFile: AgentProcess.repositoryRoot + "/manifests/base/sidecar.yaml", encoding: .utf8)
        let config = original
            .replacingOccurrences(of: "/var/lib/outrider", with: directory.path + "/state")
            .replacingOccurrences(of: "/var/log/app", with: directory.path + "/logs")
            .replacingOccurrences(of: "/etc/outrider/secrets", with: directory.path + "/secrets")
            .replacingOccurrences(of: "listen: 0.0.0.0:8686", with: "listen: 127.0.0.1:0")
            .replacingOccurrences(of: "listen: 127.0.0.1:4318", with: "listen: 127.0.0.1:\(otlpPort)")
        let settings = config.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
        #expect(!settings.contains { $0.contains("/var/") || $0.contains("/etc/") }, "every path of the config was moved")
        let file = try directory.write("outrider.yaml", config)

        // The service's process, for the `process` collector (shareProcessNamespace).
        let app = Process()
        app.executableURL = URL(fileURLWithPath: "/bin/sleep")
        app.arguments = ["60"]
        try app.run()
        defer { app.terminate() }

        let base = "http://127.0.0.1:\(sink.port)"
        let agent = try AgentProcess(["run", "--config", file], environment: [
            "SERVICE_NAME": "checkout", "POD_NAME": "checkout-5d8f7-x2x9q", "POD_NAMESPACE": "shop", "NODE_NAME": "node-a",
            "POD_IP": "10.1.2.3", "APP_PROCESS_NAME": "sleep", "OTLP_ENDPOINT": base,
            "REMOTE_WRITE_URL": base + "/api/v1/write", "LOKI_URL": base + "/loki/api/v1/push",
        ])
        let port = try #require(await agent.listeningPort(), "\(agent.text)")
        #expect(await eventually(within: 20) { (try? RawHTTP.get("/readyz", port: port).status) == 200 }, "\(agent.text)")

        var text = ""
        for n in 0..<Self.lines {
            text += #"{"timestamp":"2026-11-25T10:00:00.\#(String(format: "%03d", n % 1000))Z","level":"info","message":"order placed seq=\#(n)","correlation_id":"req-\#(n)"}"# + "\n"
        }
        _ = try directory.write("logs/app.log", text)

        let traceID = "5b8efff798038103d269b633813fc60c"
        let span = #"{"traceId":"\#(traceID)","spanId":"eee19b7ec3c1b174","name":"POST /orders","kind":2,"# +
            #""startTimeUnixNano":"1764064800000000000","endTimeUnixNano":"1764064800250000000","status":{"code":2}}"#
        let traces = #"{"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"spans":[\#(span)]}]}]}"#
        let point = #"{"asInt":"3","startTimeUnixNano":"1764064800000000000","timeUnixNano":"1764064810000000000","attributes":[{"key":"outcome","value":{"stringValue":"failure"}}]}"#
        let metrics = #"{"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},"# +
            #""scopeMetrics":[{"metrics":[{"name":"auth.login.attempts","sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[\#(point)]}}]}]}]}"#
        for (path, body) in [("/v1/traces", traces), ("/v1/metrics", metrics)] {
            let request = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
            let response = try RawHTTP.exchange(Array(request.utf8), port: otlpPort)
            #expect(response.status == 200, "\(path): \(response)")
        }

        #expect(await eventually(within: 30) {
            let paths = sink.stats.paths
            // The sink finds sequence numbers in the protobuf bodies too: count Loki's entries.
            return sink.stats.lokiStreams.values.reduce(0, +) == Self.lines && paths["/v1/traces"] != nil && paths["/api/v1/write"] != nil
        }, "\(sink.stats.json)\n\(agent.text)")
        let stats = sink.stats
        // Loki: the file's lines, labelled with the pod's service and namespace.
        let streams = stats.lokiStreams.filter { $0.value > 0 }.keys
        #expect(streams.contains { $0.contains(#"service_name="checkout""#) && $0.contains(#"namespace="shop""#) }, "\(stats.lokiStreams)")
        #expect(stats.rejectedRequests == 0, "\(stats.json)")

        let exposition = PrometheusExposition((try? RawHTTP.get("/metrics", port: port).body) ?? "")
        #expect(exposition.samples["outrider_watched_process_resident_memory_bytes"]?.isEmpty == false, "the app's process is watched")
        #expect(exposition.samples["outrider_file_logs_unread_bytes"]?[#"source="app_logs""#] == 0, "read to the end")
        #expect(exposition.samples["outrider_traces_sampled_total"]?.keys.contains { $0.contains(#"decision="sampled""#) } == true)
        agent.signal(SIGTERM)
        #expect(await agent.waitForExit(within: 30) == 0, "\(agent.text)")
    }
}
