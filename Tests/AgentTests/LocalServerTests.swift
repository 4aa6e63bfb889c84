import Agent
import Foundation
import TestSupport
import Testing

@Suite("Local server over real HTTP on 127.0.0.1", .serialized)
struct LocalServerTests {
    static let config = """
        server:
          listen: 127.0.0.1:0
          shutdown_timeout: 5s
          max_request_body: 1KiB
        sources:
          app: {type: test_source}
        exporters:
          backend: {type: test_exporter, endpoint: "http://127.0.0.1:1"}
        pipelines:
          logs: {sources: [app], exporters: [backend]}
        """

    @Test func endpointsAnswer() async throws {
        let agent = try await RunningAgent(config: Self.config)

        let health = try agent.get("/healthz")
        #expect(health.status == 200)
        #expect(health.body == #"{"failed":[],"status":"ok"}"#)

        #expect(await eventually { (try? agent.get("/readyz").status) == 200 })
        #expect(try agent.get("/readyz").body == #"{"reasons":[],"status":"ready"}"#)

        let status = try agent.get("/status")
        #expect(status.status == 200)
        #expect(status.header("Content-Type") == "application/json")
        let document = try JSONSerialization.jsonObject(with: Data(status.body.utf8)) as! [String: Any]
        #expect(document["status"] as? String == "running")
        #expect(document["ready"] as? Bool == true)
        let components = document["components"] as! [[String: Any]]
        #expect(components.map { $0["name"] as! String } == ["server", "backend", "app"])
        #expect(components.map { $0["state"] as! String } == ["running", "running", "running"])
        #expect((document["config"] as! [String: Any])["generation"] as? Int == 1)

        let metrics = try agent.get("/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        for series in ["outrider_build_info{", "process_cpu_seconds_total ", "process_resident_memory_bytes ",
                       "process_open_fds ", "process_max_fds ", "process_start_time_seconds ", "# HELP process_cpu_seconds_total"] {
            #expect(metrics.body.contains(series), "missing \(series)")
        }

        let head = try agent.get("/metrics", method: "HEAD")
        #expect(head.status == 200 && head.body.isEmpty && Int(head.header("Content-Length") ?? "") ?? 0 > 0)

        let missing = try agent.get("/nope?x=1")
        #expect(missing.status == 404)
        #expect(missing.body.hasPrefix("404 not found: /nope"))

        let wrongMethod = try agent.get("/metrics", method: "POST")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.header("Allow") == "GET, HEAD")

        _ = try await agent.stop()
    }

    @Test func oversizedAndMalformedRequestsAreRefusedAndTheServerSurvives() async throws {
        let agent = try await RunningAgent(config: Self.config)

        let declared = try RawHTTP.exchange(Array("POST /status HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n".utf8), port: agent.port)
        #expect(declared.status == 413)

        let chunk = String(repeating: "x", count: 800)
        let chunked = "POST /status HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "320\r\n\(chunk)\r\n320\r\n\(chunk)\r\n0\r\n\r\n"
        #expect(try RawHTTP.exchange(Array(chunked.utf8), port: agent.port).status == 413)

        let hugeHeader = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 200_000))\r\n\r\n"
        #expect(try RawHTTP.exchange(Array(hugeHeader.utf8), port: agent.port).status == 431)

        for garbage in ["GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "\u{0}\u{1}\u{2}\r\n\r\n", "GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n"] {
            let reply = try RawHTTP.sendAndReceive(Array(garbage.utf8), port: agent.port)
            let response = try? RawHTTP.parse(reply)
            #expect(response?.status == 400, "\(garbage.debugDescription) → \(String(decoding: reply, as: UTF8.self))")
        }

        // A client that connects and vanishes, and one that sends half a request.
        _ = try RawHTTP.sendAndReceive([], port: agent.port, timeoutSeconds: 1)
        _ = try RawHTTP.sendAndReceive(Array("GET /hea".utf8), port: agent.port, timeoutSeconds: 1)

        #expect(try agent.get("/healthz").status == 200)
        _ = try await agent.stop()
    }

    @Test func pipelinedRequestsOnOneConnectionAreAnsweredInOrder() async throws {
        let agent = try await RunningAgent(config: Self.config)
        let request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        let reply = String(decoding: try RawHTTP.sendAndReceive(Array(request.utf8), port: agent.port), as: UTF8.self)
        let ok = try #require(reply.range(of: "HTTP/1.1 200 OK\r\n"), "\(reply)")
        let notFound = try #require(reply.range(of: "HTTP/1.1 404 Not Found\r\n"), "\(reply)")
        #expect(ok.lowerBound < notFound.lowerBound)
        _ = try await agent.stop()
    }

    @Test func aDeadComponentTurnsLivenessRedAndNamesIt() async throws {
        let agent = try await RunningAgent(config: """
            server: {listen: "127.0.0.1:0"}
            sources:
              flaky: {type: test_source, fail_after: 50ms}
            exporters:
              backend: {type: test_exporter, endpoint: "http://127.0.0.1:1"}
            pipelines:
              logs: {sources: [flaky], exporters: [backend]}
            """)
        #expect(await eventually { (try? agent.get("/healthz").status) == 503 })
        let health = try agent.get("/healthz")
        #expect(health.body == #"{"failed":[{"component":"flaky","error":"test source lost its input","kind":"source"}],"status":"failed"}"#)
        let ready = try agent.get("/readyz")
        #expect(ready.status == 503)
        #expect(ready.body.contains(#"source \"flaky\" failed: test source lost its input"#))
        #expect(agent.logs.contains("component failed"))
        _ = try await agent.stop()
    }

    @Test func aDownBackendDoesNotMakeTheAgentUnready() async throws {
        // The exporter never reports ready (its backend is "down"); readiness ignores exporters.
        let agent = try await RunningAgent(config: Self.config)
        #expect(await eventually { (try? agent.get("/readyz").status) == 200 })
        _ = try await agent.stop()
    }

    @Test func configurablePaths() async throws {
        let agent = try await RunningAgent(config: """
            server: {listen: "127.0.0.1:0", paths: {metrics: /internal/metrics, healthz: /livez}}
            """)
        #expect(try agent.get("/internal/metrics").status == 200)
        #expect(try agent.get("/livez").status == 200)
        #expect(try agent.get("/metrics").status == 404)
        _ = try await agent.stop()
    }
}
