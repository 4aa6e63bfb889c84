import Glibc
import Testing
import TestSink
import TestSupport

@Suite("fault injection, seen by a client")
struct FaultTests {
    @Test func tooManyRequestsWithRetryAfter() async throws {
        try await withSink(behavior: .failing(429, retryAfter: 7)) { sink in
            let response = try await post(port: sink.port, body: ndjson([1, 2]))
            #expect(response.status == 429)
            #expect(response.header("Retry-After") == "7")
            let stats = sink.stats
            #expect(stats.requests == 1)
            #expect(stats.acceptedRequests == 0)
            #expect(stats.rejectedByStatus == [429: 1])
            #expect(stats.lines == 0)
            #expect(stats.streams.isEmpty)
        }
    }

    @Test(arguments: [503, 500, 400])
    func errorStatusWithoutRetryAfter(status: Int) async throws {
        try await withSink(behavior: .failing(status)) { sink in
            let response = try await post(port: sink.port, body: "x\n")
            #expect(response.status == status)
            #expect(response.header("Retry-After") == nil)
            #expect(sink.stats.rejectedByStatus == [status: 1])
        }
    }

    @Test func nextNThenAccept() async throws {
        try await withSink(behavior: .failing(503, retryAfter: 1, .next(2))) { sink in
            var statuses: [Int] = []
            for _ in 0..<4 { statuses.append(try await post(port: sink.port, body: "x\n").status) }
            #expect(statuses == [503, 503, 200, 200])
            // Setting a behavior restarts its count.
            sink.behavior = .failing(500, .next(1))
            #expect(try await post(port: sink.port, body: "x\n").status == 500)
            #expect(try await post(port: sink.port, body: "x\n").status == 200)
            #expect(sink.stats.rejectedByStatus == [503: 2, 500: 1])
            #expect(sink.stats.acceptedRequests == 3)
        }
    }

    @Test func deterministicFraction() async throws {
        try await withSink(behavior: .failing(503, .fraction(0.5, seed: 42))) { sink in
            func pattern() async throws -> [Bool] {
                var failed: [Bool] = []
                for _ in 0..<24 { failed.append(try await post(port: sink.port, body: "x\n").status == 503) }
                return failed
            }
            let first = try await pattern()
            sink.behavior = .failing(503, .fraction(0.5, seed: 42))
            let second = try await pattern()
            #expect(first == second)
            let failures = first.filter { $0 }.count
            #expect(failures > 4 && failures < 20, "\(failures) of 24")
            sink.behavior = .failing(503, .fraction(0.5, seed: 43))
            #expect(try await pattern() != first)
        }
    }

    @Test func slowAnswers() async throws {
        let delay = Duration.milliseconds(300)
        try await withSink(behavior: .slow(delay)) { sink in
            let clock = ContinuousClock()
            let start = clock.now
            let response = try await post(port: sink.port, body: "x\n")
            let elapsed = clock.now - start
            #expect(response.status == 200)
            #expect(elapsed >= delay, "answered after \(elapsed)")
            #expect(elapsed < .seconds(10))
            // Whether two slow answers overlap is a timing property: it is left to the
            // benchmarks, since a loaded 2-core machine stretches any bound put on it here.
            let port = sink.port
            // Faults are delayed too.
            sink.behavior = SinkBehavior(fault: .status(503), delay: delay)
            let faultStart = clock.now
            #expect(try await post(port: port, body: "x\n").status == 503)
            #expect(clock.now - faultStart >= delay)
        }
    }

    @Test func resetConnections() async throws {
        try await withSink(behavior: .resetting(.next(1))) { sink in
            let port = sink.port
            let raw = request("/ingest", port: port, body: Array(ndjson([1]).utf8))
            let outcome = try await offPool { attempt(raw, port: port) }
            #expect(outcome == .readFailed(ECONNRESET), "\(outcome)")
            // RawHTTP sees no answer at all.
            #expect(try await post(port: port, body: "x\n").status == 200)
            let stats = sink.stats
            #expect(stats.resets == 1)
            #expect(stats.acceptedRequests == 1)
            #expect(stats.streams.isEmpty)
        }
    }

    @Test func downPeriodRefusesThenComesBackOnTheSamePort() async throws {
        try await withSink { sink in
            let port = sink.port
            #expect(try await post(port: port, body: "x\n").status == 200)
            let clock = ContinuousClock()
            let downAt = clock.now
            try await sink.goDown(for: .milliseconds(600))
            #expect(sink.isDown)
            let raw = request("/ingest", port: port, body: Array("y\n".utf8))
            let refused = try await offPool { attempt(raw, port: port) }
            #expect(refused == .connectFailed(ECONNREFUSED), "\(refused)")
            // Poll (bounded) until it answers again.
            var answered: Attempt?
            // Generous: on a loaded 2-core CI run the rebind task itself may wait seconds for a thread.
            while clock.now - downAt < .seconds(15) {
                let outcome = try await offPool { attempt(raw, port: port) }
                if case .answered = outcome {
                    answered = outcome
                    break
                }
                #expect(outcome.errno == ECONNREFUSED, "\(outcome)")
                try await Task.sleep(for: .milliseconds(50))
            }
            let back = clock.now - downAt
            #expect(answered != nil)
            #expect(back >= .milliseconds(550), "back after \(back)")
            #expect(sink.port == port)
            #expect(!sink.isDown)
            #expect(sink.stats.lines == 2)
        }
    }

    @Test func downPeriodResettingConnections() async throws {
        try await withSink { sink in
            let port = sink.port
            try await sink.goDown(mode: .reset)
            let raw = request("/ingest", port: port, body: Array("y\n".utf8))
            let outcome = try await offPool { attempt(raw, port: port) }
            #expect(outcome.errno == ECONNRESET || outcome == .closedEmpty, "\(outcome)")
            if case .answered = outcome { Issue.record("answered while down") }
            try await sink.comeBack()
            #expect(try await post(port: port, body: "x\n").status == 200)
            #expect(sink.stats.lines == 1)
        }
    }

    @Test func bodyTooLarge() async throws {
        try await withSink(behavior: SinkBehavior(maxBodyBytes: 100)) { sink in
            let big = String(repeating: "0123456789\n", count: 20)
            let response = try await post(port: sink.port, body: big)
            #expect(response.status == 413)
            // Without a Content-Length (chunked), the limit applies as the body streams in.
            let chunk = String(repeating: "z", count: 80) + "\n"
            let chunkHex = String(chunk.utf8.count, radix: 16)
            let chunked = "POST /ingest HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "\(chunkHex)\r\n\(chunk)\r\n\(chunkHex)\r\n\(chunk)\r\n0\r\n\r\n"
            let port = sink.port
            let second = try await offPool { try RawHTTP.exchange(Array(chunked.utf8), port: port) }
            #expect(second.status == 413)
            #expect(try await post(port: port, body: "small\n").status == 200)
            let stats = sink.stats
            #expect(stats.rejectedByStatus == [413: 2])
            #expect(stats.lines == 1)
        }
    }
}
