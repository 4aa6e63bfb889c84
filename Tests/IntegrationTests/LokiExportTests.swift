import Foundation
import TestSink
import TestSupport
import Testing

/// demo_logs → `loki` → the test sink's Loki push route, on the real binary: every body is
/// checked against the push API's schema there, and every numbered line must arrive once,
/// in streams labelled as configured, with the tenant header.
@Suite("loki exporter into the sink's push route")
struct LokiExportTests {
    static let count = 3000

    static func config(sinkPort: Int, directory: TemporaryDirectory) -> String {
        """
        service:
          name: loki-test
          attributes: {deployment.environment: ci}
        log: {level: info, format: json}
        server: {listen: "127.0.0.1:0"}
        sources:
          demo:
            type: demo_logs
            rate: 0
            count: \(count)
            batch_size: 100
            checkpoint_dir: \(directory.path)
        exporters:
          loki:
            type: loki
            endpoint: http://127.0.0.1:\(sinkPort)/loki/api/v1/push
            tenant_id: team-a
            compression: gzip
            labels:
              app: resource.service.name
              env: resource.deployment.environment
              level: severity
              pod: resource.k8s.pod.name
            batch: {max_events: 500, max_wait: 50ms}
            retry: {initial_backoff: 50ms, max_backoff: 500ms}
        pipelines:
          logs: {sources: [demo], exporters: [loki]}
        """
    }

    @Test(.timeLimit(.minutes(2)))
    func everyLineArrivesOnceInSchemaValidLabelledStreams() async throws {
        let directory = try TemporaryDirectory()
        // One 503 on the way: the retried push must not duplicate or lose entries.
        let sink = try await TestSink.start(behavior: .failing(503, .next(1)))
        defer { Task { try? await sink.stop() } }
        let file = try directory.write("outrider.yaml", Self.config(sinkPort: sink.port, directory: directory))
        let agent = try AgentProcess(["run", "--config", file])
        _ = try #require(await agent.listeningPort(), "\(agent.text)")

        #expect(await eventually(within: 60) { sink.stats.sequence.unique == Self.count }, "\(sink.stats.json)\n\(agent.text)")
        let stats = sink.stats
        #expect(stats.sequence.missing == 0 && stats.sequence.duplicates == 0)
        #expect(stats.rejectedByStatus == [503: 1], "only the injected fault: every body passed the schema check")
        #expect(stats.lines == Self.count && stats.lokiPushes == stats.acceptedRequests)
        // No pod name in the environment: the label is left out, not sent empty.
        #expect(stats.lokiStreams == [#"{app="loki-test",env="ci",level="info"}"#: Self.count])
        #expect(stats.lokiTenants == ["team-a": stats.acceptedRequests])
        #expect(stats.gzipBodies == stats.acceptedRequests && stats.lokiUnorderedEntries == 0)
        #expect(stats.paths == ["/loki/api/v1/push": stats.requests])
        agent.signal(SIGTERM)
        #expect(await agent.waitForExit(within: 20) == 0, "\(agent.text)")
    }
}
