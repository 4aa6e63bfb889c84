import Foundation
import TestSupport
import Testing

/// Pipelines as configured: one source fanned out to two pipelines, each with its own
/// processors and exporter, in the real binary; what lands in each file is what the
/// processors made of it, and /metrics and /status show each exporter's buffer.
@Suite("Pipelines: processors per route, fan-out, buffer state")
struct PipelineProcessingTests {
    @Test(.timeLimit(.minutes(2)))
    func eachPipelineRunsItsOwnProcessorsOnItsOwnCopy() async throws {
        let directory = try TemporaryDirectory()
        let config = """
            log: {level: info, format: json}
            server: {listen: 127.0.0.1:0}
            service: {name: checkout, attributes: {deployment.environment: test}}
            sources:
              demo: {type: demo_logs, rate: 0, count: 500, batch_size: 50}
            processors:
              k8s: {type: resource, attributes: {team: payments}}
              scrub: {type: redact, literals: ["demo event"], replacement: "***"}
              errors_only: {type: filter, min_severity: error}
            exporters:
              kept:
                type: file
                path: \(directory.path)/kept.jsonl
                batch: {max_events: 100, max_wait: 20ms}
              filtered:
                type: file
                path: \(directory.path)/filtered.jsonl
                batch: {max_events: 100, max_wait: 20ms}
                buffer: {type: disk, path: \(directory.path)/buffer, max_size: 8MiB}
            pipelines:
              logs/kept: {sources: [demo], processors: [k8s, scrub], exporters: [kept]}
              logs/filtered: {sources: [demo], processors: [errors_only], exporters: [filtered]}
            """
        let file = try directory.write("outrider.yaml", config)
        let agent = try AgentProcess(["run", "--config", file], environment: ["POD_NAME": "checkout-7d9f", "POD_NAMESPACE": "shop"])
        let port = try #require(await agent.listeningPort(), "\(agent.text)")
        let keptPath = directory.path + "/kept.jsonl"
        let lines = { (try? String(contentsOfFile: keptPath, encoding: .utf8))?.split(separator: "\n") ?? [] }
        #expect(await eventually(within: 30) { lines().count == 500 }, "\(lines().count) lines\n\(agent.text)")

        let first = try #require(lines().first)
        let record = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        let resource = try #require(record["resource"] as? [String: Any])
        #expect(resource["service.name"] as? String == "checkout")
        #expect(resource["deployment.environment"] as? String == "test")
        #expect(resource["k8s.pod.name"] as? String == "checkout-7d9f")
        #expect(resource["k8s.namespace.name"] as? String == "shop")
        #expect(resource["team"] as? String == "payments")
        #expect(record["body"] as? String == #"seq=0 stream=demo level=info msg="***""#)
        #expect(record["severity_text"] as? String == "INFO")

        // The other route saw the same events unredacted and dropped them all.
        let metrics = PrometheusExposition(try RawHTTP.get("/metrics", port: port).body)
        #expect(await eventually(within: 10) {
            PrometheusExposition((try? RawHTTP.get("/metrics", port: port).body) ?? "")
                .samples["outrider_filter_dropped_total"]?[#"processor="errors_only",reason="severity""#] == 500
        })
        #expect(metrics.samples["outrider_redact_matches_total"]?[#"pattern="literal",processor="scrub""#] == 500)
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/filtered.jsonl"))
        #expect(metrics.samples["outrider_buffer_capacity_bytes"]?[#"exporter="filtered""#] == 8_388_608.0)
        #expect(metrics.samples["outrider_exporter_sent_events_total"]?[#"exporter="kept""#] == 500)

        let status = try #require(
            try JSONSerialization.jsonObject(with: Data(RawHTTP.get("/status", port: port).body.utf8)) as? [String: Any])
        let buffers = try #require(status["buffers"] as? [[String: Any]])
        #expect(Set(buffers.compactMap { $0["exporter"] as? String }) == ["kept", "filtered"])
        #expect(buffers.first { $0["exporter"] as? String == "filtered" }?["type"] as? String == "disk")
        #expect(buffers.first { $0["exporter"] as? String == "kept" }?["when_full"] as? String == "block")

        agent.signal(SIGTERM)
        #expect(await agent.waitForExit(within: 20) == 0, "\(agent.text)")
    }
}
