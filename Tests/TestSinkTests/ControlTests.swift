import Glibc
import Testing
import TestSink
import TestSupport

@Suite("control endpoints over HTTP")
struct ControlTests {
    @Test func behaviorFromQueryString() async throws {
        try await withSink { sink in
            let port = sink.port
            let set = try await post("/_control/behavior?fail=429&retry_after=3&count=1", port: port, body: "", contentType: nil)
            #expect(set.status == 200)
            #expect(set.body.contains("\"fail\":429"))
            #expect(sink.behavior == .failing(429, retryAfter: 3, .next(1)))
            let failed = try await post(port: port, body: "x\n")
            #expect(failed.status == 429)
            #expect(failed.header("retry-after") == "3")
            #expect(try await post(port: port, body: "x\n").status == 200)
        }
    }

    @Test func behaviorFromJSONAndFormBodies() async throws {
        try await withSink { sink in
            let port = sink.port
            let json = #"{"fail": "503", "retryAfter": 2, "delayMs": 50, "maxBody": 4096}"#
            #expect(try await post("/_control/behavior", port: port, body: json, contentType: "application/json").status == 200)
            #expect(sink.behavior == SinkBehavior(fault: .status(503, retryAfter: 2), delay: .milliseconds(50), maxBodyBytes: 4096))
            let current = try await get("/_control/behavior", port: port)
            #expect(current.body.contains("\"retryAfter\":2"))
            #expect(current.body.contains("\"delayMs\":50"))

            // curl -d: a form body.
            let form = "fail=reset&fraction=0.25&seed=9"
            #expect(try await post("/_control/behavior", port: port, body: form, contentType: "application/x-www-form-urlencoded").status == 200)
            #expect(sink.behavior == .resetting(.fraction(0.25, seed: 9)))

            // Nothing named: healthy again.
            #expect(try await post("/_control/behavior", port: port, body: "", contentType: nil).status == 200)
            #expect(sink.behavior == .healthy)

            let bad = try await post("/_control/behavior?fail=abc", port: port, body: "", contentType: nil)
            #expect(bad.status == 400)
            #expect(bad.body.contains("not a status"))
            #expect(try await post("/_control/behavior?colour=red", port: port, body: "", contentType: nil).status == 400)
            #expect(try await post("/_control/behavior", port: port, body: "{\"fail\":{}}", contentType: nil).status == 400)
            #expect(sink.behavior == .healthy)
            #expect(try await get("/_control/nothing", port: port).status == 404)
        }
    }

    @Test func statsAndClear() async throws {
        try await withSink { sink in
            let port = sink.port
            _ = try await post("/a", port: port, body: ndjson(stream: "wéb 1", [1, 2, 4]))
            let stats = try await get("/_control/stats", port: port)
            #expect(stats.status == 200)
            #expect(stats.header("content-type") == "application/json")
            for fragment in ["\"requests\":1", "\"lines\":3", "\"/a\":1", "\"missing\":1", #""wéb 1":{"received":3"#] {
                #expect(stats.body.contains(fragment), "\(fragment) in \(stats.body)")
            }
            // Control requests are not counted.
            #expect(sink.stats.requests == 1)
            #expect(try await post("/_control/clear", port: port, body: "", contentType: nil).status == 200)
            #expect(sink.stats == SinkStats())
        }
    }

    @Test func downOverHTTP() async throws {
        try await withSink { sink in
            let port = sink.port
            let response = try await post("/_control/down?seconds=0.5", port: port, body: "", contentType: nil)
            #expect(response.status == 200)
            let raw = request("/ingest", port: port, body: Array("y\n".utf8))
            let clock = ContinuousClock()
            let start = clock.now
            var sawRefusal = false
            var cameBack = false
            // Bounded generously: the suites run in parallel with the integration tests, and a
            // loaded machine delayed the sink's return past 4 s once (CI, this session).
            while clock.now - start < .seconds(20) {
                let outcome = try await offPool { attempt(raw, port: port) }
                if outcome.errno == ECONNREFUSED { sawRefusal = true }
                if case .answered = outcome, sawRefusal {
                    cameBack = true
                    break
                }
                try await Task.sleep(for: .milliseconds(40))
            }
            #expect(sawRefusal)
            #expect(cameBack)
        }
    }
}
