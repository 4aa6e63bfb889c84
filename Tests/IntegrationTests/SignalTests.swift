import Foundation
import TestSupport
import Testing

@Suite("Signals: SIGTERM drains and exits 0, SIGHUP reloads")
struct SignalTests {
    static let config = """
        log: {level: info, format: json}
        server:
          listen: 127.0.0.1:0
          shutdown_timeout: 5s
        """

    @Test func sighupReloadsValidAndKeepsRunningOnInvalidThenSigtermExitsZero() async throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("outrider.yaml", Self.config)
        let agent = try AgentProcess(["run", "--config", file])
        let port = try #require(await agent.listeningPort(), "no listening line in:\n\(agent.text)")
        #expect(try RawHTTP.get("/healthz", port: port).status == 200)
        #expect(await eventually { (try? RawHTTP.get("/readyz", port: port).status) == 200 })

        // Valid change: the new log level applies without a restart.
        try directory.write("outrider.yaml", Self.config.replacingOccurrences(of: "level: info", with: "level: debug"))
        agent.signal(SIGHUP)
        #expect(await agent.waitForOutput { $0.contains("config reloaded") }, "\(agent.text)")

        // Invalid change: logged, counted, the agent keeps serving.
        try directory.write("outrider.yaml", "server:\n  listen: [\n")
        agent.signal(SIGHUP)
        #expect(await agent.waitForOutput { $0.contains("config reload failed; keeping the running config") }, "\(agent.text)")
        let metrics = try RawHTTP.get("/metrics", port: port).body
        #expect(metrics.contains(#"outrider_config_reloads_total{result="failure"} 1"#))
        #expect(metrics.contains(#"outrider_config_reloads_total{result="success"} 1"#))
        #expect(try RawHTTP.get("/healthz", port: port).status == 200)

        let start = Date()
        agent.signal(SIGTERM)
        let status = await agent.waitForExit(within: 10)
        #expect(status == 0, "\(agent.text)")
        #expect(Date().timeIntervalSince(start) < 6)
        #expect(agent.text.contains("outrider stopped"))
    }

    @Test func sigintAlsoDrainsAndExitsZero() async throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("outrider.yaml", Self.config)
        let agent = try AgentProcess(["run", "--config", file])
        _ = try #require(await agent.listeningPort(), "\(agent.text)")
        agent.signal(SIGINT)
        #expect(await agent.waitForExit(within: 10) == 0, "\(agent.text)")
    }

    @Test func logLinesAreJSONWithThePlatformFields() async throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("outrider.yaml", Self.config)
        let agent = try AgentProcess(["run", "--config", file])
        _ = try #require(await agent.listeningPort(), "\(agent.text)")
        agent.signal(SIGTERM)
        _ = await agent.waitForExit(within: 10)
        let lines = agent.text.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["service"] as? String == "outrider", "\(line)")
            #expect(["debug", "info", "warn", "error", "critical"].contains(object?["level"] as? String ?? ""), "\(line)")
            #expect((object?["timestamp"] as? String)?.hasSuffix("Z") == true, "\(line)")
            #expect(object?["message"] is String, "\(line)")
        }
    }
}
