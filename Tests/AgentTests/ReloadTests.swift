import Agent
import Foundation
import TestSupport
import Testing

@Suite("SIGHUP reload, driven in-process", .serialized)
struct ReloadTests {
    @Test func validConfigIsAppliedInvalidIsRefusedAndCounted() async throws {
        let agent = try await RunningAgent(config: """
            log: {level: info}
            server: {listen: "127.0.0.1:0"}
            """)

        try """
            log: {level: debug}
            server: {listen: "127.0.0.1:0"}
            """.write(toFile: agent.configFile, atomically: true, encoding: .utf8)
        #expect(agent.runtime.reload())
        #expect(agent.runtime.configState.generation == 2)
        #expect(agent.runtime.configState.config.log.level == .debug)
        #expect(agent.logs.contains("config reloaded"))

        try """
            log: {level: loud}
            server: {listen: "127.0.0.1:0"}
            """.write(toFile: agent.configFile, atomically: true, encoding: .utf8)
        #expect(!agent.runtime.reload())
        #expect(agent.runtime.configState.generation == 2)
        #expect(agent.runtime.configState.config.log.level == .debug)
        #expect(agent.logs.contains("config reload failed; keeping the running config"))
        #expect(agent.logs.contains(#"log.level: expected one of debug, info, warn, error, critical, got \"loud\""#))

        let metrics = try agent.get("/metrics").body
        #expect(metrics.contains(#"outrider_config_reloads_total{result="success"} 1"#))
        #expect(metrics.contains(#"outrider_config_reloads_total{result="failure"} 1"#))
        #expect(metrics.contains("outrider_config_last_reload_successful 0"))

        let status = try JSONSerialization.jsonObject(with: Data(try agent.get("/status").body.utf8)) as! [String: Any]
        let lastReload = (status["config"] as! [String: Any])["last_reload"] as! [String: Any]
        #expect(lastReload["result"] as? String == "failure")
        #expect((lastReload["errors"] as? [String])?.count == 1)

        // The agent still serves on the old config.
        #expect(try agent.get("/healthz").status == 200)
        _ = try await agent.stop()
    }

    @Test func settingsThatNeedARestartAreNamed() async throws {
        let agent = try await RunningAgent(config: "server: {listen: \"127.0.0.1:0\"}\n")
        try "server: {listen: \"127.0.0.1:1\"}\n".write(toFile: agent.configFile, atomically: true, encoding: .utf8)
        #expect(agent.runtime.reload())
        #expect(agent.logs.contains("some changed settings take effect at the next restart"))
        #expect(agent.logs.contains("server.listen"))
        _ = try await agent.stop()
    }

    @Test func shutdownStopsSourcesFirstAndExportersLast() async throws {
        let agent = try await RunningAgent(config: """
            log: {level: debug, format: json}
            server: {listen: "127.0.0.1:0"}
            sources:
              app: {type: test_source}
            processors:
              tag: {type: test_processor}
            exporters:
              backend: {type: test_exporter, endpoint: "http://127.0.0.1:1"}
            pipelines:
              logs: {sources: [app], processors: [tag], exporters: [backend]}
            """)
        _ = try await agent.stop()
        // Processors are steps inside the sources' sends, not services: nothing to stop.
        let stopped = agent.capture.all.filter { $0.contains("component stopped") }.compactMap { line in
            ["app", "tag", "backend"].first { line.contains(#""component":"\#($0)""#) }
        }
        #expect(stopped == ["app", "backend"])
    }

    @Test func aComponentStuckDrainingIsCancelledAfterTheTimeout() async throws {
        let agent = try await RunningAgent(config: """
            server: {listen: "127.0.0.1:0", shutdown_timeout: 1s}
            sources:
              stuck: {type: test_source, ignore_shutdown: true}
            exporters:
              backend: {type: test_exporter, endpoint: "http://127.0.0.1:1"}
            pipelines:
              logs: {sources: [stuck], exporters: [backend]}
            """)
        let start = ContinuousClock.now
        await agent.runtime.shutdown()
        try await agent.stopped()
        let took = ContinuousClock.now - start
        // The drain gets its second, then cancellation ends the stuck task: no hang. The upper
        // bound leaves room for a loaded 2-core CI run (6.9 s seen) and still catches a hang.
        #expect(took >= .milliseconds(900) && took < .seconds(20), "took \(took)")
        #expect(agent.logs.contains(#""level":"warn","service":"outrider","message":"component did not finish draining within server.shutdown_timeout and was cancelled","component":"stuck""#), "\(agent.logs)")
    }

    @Test func shutdownDrainsWithinTheTimeout() async throws {
        let agent = try await RunningAgent(config: LocalServerTests.config)
        let took = try await agent.stop()
        // Drained, not cancelled at shutdown_timeout (5 s): no component needed cancelling.
        #expect(took < .seconds(7), "took \(took)")
        #expect(!agent.logs.contains("did not finish draining"), "\(agent.logs)")
        #expect(agent.logs.contains("outrider stopped"))
    }
}
