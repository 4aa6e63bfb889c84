import Foundation
import OTLP
import Pipeline
import Synchronization
import Telemetry
import TestSupport
import Testing
@testable import Receivers

/// The receiver over real HTTP on 127.0.0.1, in front of real memory buffers: what an SDK
/// sees (status, headers, bodies) and what reaches the pipeline.
@Suite("OTLP receiver: HTTP", .timeLimit(.minutes(1)))
struct ServerTests {
    static func spanNames(_ batches: [TelemetryBatch]) -> [String] {
        batches.flatMap { batch -> [String] in
            guard case .spans(let spans) = batch.payload else { return [] }
            return spans.map(\.name)
        }
    }

    @Test("protobuf traces: 200 with an ExportTraceServiceResponse, the spans in the buffer with their resources")
    func protobufTraces() async throws {
        let fixture = try await ReceiverFixture.start()
        defer { Task { await fixture.receiver.stop() } }
        let reply = try await fixture.post("/v1/traces", try Requests.traces(resources: 2, spansEach: 2))
        #expect(reply.status == 200, "\(reply)")
        #expect(reply.header("Content-Type") == "application/x-protobuf")
        let response = try OTLPTraceResponse(serializedBytes: reply.body)
        #expect(!response.hasPartialSuccess)
        let batches = await fixture.drain(.traces)
        #expect(Self.spanNames(batches) == ["r0-s0", "r0-s1", "r1-s0", "r1-s1"])
        #expect(batches.map { $0.resource.attributes["service.name"] } == ["svc-0", "svc-1"])
        #expect(batches.first.flatMap { batch -> TraceID? in
            guard case .spans(let spans) = batch.payload else { return nil }
            return spans.first?.traceID
        } == Requests.traceID)
        let stats = fixture.receiver.stats.snapshot
        #expect(stats.requests(.traces, code: 200) == 1)
        #expect(stats.acceptedItems[.traces] == 4)
    }

    @Test("a JSON request gets a JSON answer; the records land with their bodies")
    func jsonLogs() async throws {
        let fixture = try await ReceiverFixture.start()
        defer { Task { await fixture.receiver.stop() } }
        let reply = try await fixture.post("/v1/logs", try Requests.logsJSON(["first", "second"]), headers: [ReceiverFixture.json])
        #expect(reply.status == 200, "\(reply)")
        #expect(reply.header("Content-Type") == "application/json")
        #expect((try JSONSerialization.jsonObject(with: Data(reply.body))) is [String: Any], "\(reply.text)")
        _ = try OTLPLogsResponse(jsonUTF8Bytes: reply.body)
        let records = await fixture.drain(.logs).flatMap { batch -> [LogRecord] in
            guard case .logs(let records) = batch.payload else { return [] }
            return records
        }
        #expect(records.map { String(decoding: $0.body, as: UTF8.self) } == ["first", "second"])
    }

    @Test("a gzip body is inflated; its wire size is what body bytes count")
    func gzipBody() async throws {
        let fixture = try await ReceiverFixture.start()
        defer { Task { await fixture.receiver.stop() } }
        let compressed = gzipStored(try Requests.metrics())
        let reply = try await fixture.post("/v1/metrics", compressed, headers: [ReceiverFixture.protobuf, "Content-Encoding: gzip"])
        #expect(reply.status == 200, "\(reply)")
        _ = try OTLPMetricsResponse(serializedBytes: reply.body)
        let batches = await fixture.drain(.metrics)
        guard case .metrics(let metrics)? = batches.first?.payload else {
            Issue.record("no metrics batch: \(batches)")
            return
        }
        #expect(metrics.families.map(\.name) == ["queue_depth"])
        #expect(metrics.families.first?.samples.first?.value == 7)
        #expect(fixture.receiver.stats.snapshot.bodyBytes["metrics"] == UInt64(compressed.count))
    }

    @Test("partial success: the bad span is counted as rejected, the good one delivered")
    func partialSuccess() async throws {
        let fixture = try await ReceiverFixture.start()
        defer { Task { await fixture.receiver.stop() } }
        let reply = try await fixture.post("/v1/traces", try Requests.tracesWithOneBadSpan())
        #expect(reply.status == 200)
        let response = try OTLPTraceResponse(serializedBytes: reply.body)
        #expect(response.partialSuccess.rejectedSpans == 1)
        #expect(response.partialSuccess.errorMessage.contains("trace_id"), "\(response.partialSuccess.errorMessage)")
        #expect(Self.spanNames(await fixture.drain(.traces)) == ["r0-s0"])
        let stats = fixture.receiver.stats.snapshot
        #expect(stats.acceptedItems[.traces] == 1)
        #expect(stats.refused(.traces, .rejected) == 1)
    }

    @Test("malformed bodies: 400 with a Status in the request's encoding saying what is wrong")
    func malformed() async throws {
        let fixture = try await ReceiverFixture.start()
        defer { Task { await fixture.receiver.stop() } }
        let reply = try await fixture.post("/v1/traces", [0x0A, 0xFF, 0xFF, 0x01, 0x02])
        #expect(reply.status == 400)
        #expect(reply.header("Content-Type") == "application/x-protobuf")
        let status = try #require(RPCStatus(protobuf: reply.body), "\(reply.body)")
        #expect(status.code == 3)
        #expect(status.message.contains("malformed protobuf"), "\(status.message)")

        let json = try await fixture.post("/v1/logs", Array(#"{"resourceLogs": [{"#.utf8), headers: [ReceiverFixture.json])
        #expect(json.status == 400)
        let jsonStatus = try #require(RPCStatus(json: json.body), "\(json.text)")
        #expect(jsonStatus.message.contains("OTLP/JSON"), "\(jsonStatus.message)")

        let gzipLie = try await fixture.post("/v1/traces", try Requests.traces(), headers: [ReceiverFixture.protobuf, "Content-Encoding: gzip"])
        #expect(gzipLie.status == 400)
        #expect(await fixture.drain(.traces).isEmpty)
        #expect(await fixture.drain(.logs).isEmpty)
        #expect(fixture.receiver.stats.snapshot.requests(.traces, code: 400) == 2)
    }

    @Test("Content-Length over max_body_bytes: 413 at once, without reading the body, then the connection closes")
    func tooLargeByContentLength() async throws {
        let fixture = try await ReceiverFixture.start(settings: .init(port: 0, maxBodyBytes: 1000))
        defer { Task { await fixture.receiver.stop() } }
        let connection = try fixture.connect()
        // Only the head goes out: an answer that waited for the body would never come.
        await connection.send(Array("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 1001\r\n\r\n".utf8))
        let reply = try #require(try await connection.readReply())
        #expect(reply.status == 413)
        #expect(reply.header("Connection") == "close")
        #expect(RPCStatus(protobuf: reply.body)?.message.contains("max_body_bytes") == true, "\(reply.text)")
        await connection.send([UInt8](repeating: 0, count: 1001))
        #expect(await connection.isClosedByServer())
        #expect(fixture.receiver.stats.snapshot.requests(.traces, code: 413) == 1)
        #expect(try await fixture.post("/v1/traces", try Requests.traces()).status == 200, "the server lives on")
    }

    @Test("a chunked body that grows past max_body_bytes: 413 and closed; nothing buffered")
    func tooLargeChunked() async throws {
        let fixture = try await ReceiverFixture.start(settings: .init(port: 0, maxBodyBytes: 4096))
        defer { Task { await fixture.receiver.stop() } }
        let connection = try fixture.connect()
        await connection.send(Array("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nTransfer-Encoding: chunked\r\n\r\n".utf8))
        let chunk = Array("400\r\n".utf8) + [UInt8](repeating: 0x0A, count: 1024) + Array("\r\n".utf8)
        var sent = 0
        while sent < 8, await connection.send(chunk) { sent += 1 }
        let reply = try #require(try await connection.readReply())
        #expect(reply.status == 413)
        #expect(await connection.isClosedByServer())
        #expect(fixture.buffers[.traces]?.stats.events == 0)
    }

    @Test("an unknown Content-Type: 415 naming the supported ones")
    func unsupportedMediaType() async throws {
        let fixture = try await ReceiverFixture.start()
        defer { Task { await fixture.receiver.stop() } }
        for headers in [["Content-Type: text/plain"], []] {
            let reply = try await fixture.post("/v1/traces", try Requests.traces(), headers: headers)
            #expect(reply.status == 415)
            #expect(reply.header("Content-Type")?.hasPrefix("text/plain") == true)
            #expect(reply.text.contains("application/x-protobuf") && reply.text.contains("application/json"), "\(reply.text)")
        }
        #expect(await fixture.drain(.traces).isEmpty)
    }

    @Test("unknown paths 404; other methods on the OTLP paths 405 with Allow: POST; the connection stays usable")
    func routing() async throws {
        let fixture = try await ReceiverFixture.start()
        defer { Task { await fixture.receiver.stop() } }
        let connection = try fixture.connect()
        await connection.post("/v1/trace", try Requests.traces(), headers: [ReceiverFixture.protobuf])
        let notFound = try #require(try await connection.readReply())
        #expect(notFound.status == 404)
        #expect(RPCStatus(protobuf: notFound.body)?.message.contains("/v1/traces") == true, "\(notFound.text)")
        await connection.send(Array("GET /v1/metrics HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        let notAllowed = try #require(try await connection.readReply())
        #expect(notAllowed.status == 405)
        #expect(notAllowed.header("Allow") == "POST")
        await connection.post("/v1/traces?x=1", try Requests.traces(), headers: [ReceiverFixture.protobuf])
        #expect(try await connection.readReply()?.status == 200, "a query string does not change the route")
        #expect(fixture.receiver.stats.snapshot.requests(nil, code: 404) == 1)
    }

    @Test("a signal no pipeline takes from the receiver: 404 saying so")
    func signalWithoutPipeline() async throws {
        let fixture = try await ReceiverFixture.start(signals: [.traces])
        defer { Task { await fixture.receiver.stop() } }
        let reply = try await fixture.post("/v1/metrics", try Requests.metrics())
        #expect(reply.status == 404)
        let status = try #require(RPCStatus(protobuf: reply.body))
        #expect(status.message.contains("not in a pipeline of metrics"), "\(status.message)")
        #expect(fixture.receiver.stats.snapshot.requests(.metrics, code: 404) == 1)
    }

    @Test("a full block buffer: 503 + Retry-After and nothing of the request taken; 200 once there is room")
    func fullBufferAllOrNothing() async throws {
        let buffer = MemoryBuffer(maxBytes: 64 << 20, maxEvents: 10, whenFull: .block)
        _ = try await buffer.append(BufferItem(Requests.spanBatches(resources: 1, spansEach: 5)[0]), ifBlocked: .refuse)
        let fixture = try await ReceiverFixture.start(signals: [.traces], buffer: buffer, settings: .init(port: 0, retryAfter: .milliseconds(1500)))
        defer { Task { await fixture.receiver.stop() } }
        // Three resources of two spans: each would fit in the 5 free events, all three do not.
        let body = try Requests.traces(resources: 3, spansEach: 2)
        let refused = try await fixture.post("/v1/traces", body)
        #expect(refused.status == 503)
        #expect(refused.header("Retry-After") == "2", "1.5 s rounds up to whole seconds")
        #expect(RPCStatus(protobuf: refused.body)?.code == 14)
        #expect(buffer.stats.events == 5, "no resource of the refused request was buffered")

        let prefill = try #require(await buffer.nextBatch(BatchLimits(maxEvents: 5, maxWait: .zero)))
        buffer.complete(prefill, delivered: true)
        let accepted = try await fixture.post("/v1/traces", body)
        #expect(accepted.status == 200)
        #expect(Self.spanNames(await fixture.drain(.traces)) == ["r0-s0", "r0-s1", "r1-s0", "r1-s1", "r2-s0", "r2-s1"])
        let stats = fixture.receiver.stats.snapshot
        #expect(stats.requests(.traces, code: 503) == 1)
        #expect(stats.refused(.traces, .full) == 6)
        #expect(stats.acceptedItems[.traces] == 6)
    }

    @Test("a closed buffer (the agent stopping): 503")
    func closedBuffer() async throws {
        let buffer = MemoryBuffer(maxBytes: 1 << 20, whenFull: .block)
        let fixture = try await ReceiverFixture.start(signals: [.traces], buffer: buffer)
        defer { Task { await fixture.receiver.stop() } }
        await buffer.close()
        let reply = try await fixture.post("/v1/traces", try Requests.traces())
        #expect(reply.status == 503)
        #expect(reply.header("Retry-After") == "1")
        #expect(fixture.receiver.stats.snapshot.refused(.traces, .shutdown) == 2)
    }

    @Test("keep-alive: 100 requests on one connection, each answered, all spans buffered")
    func keepAlive() async throws {
        let fixture = try await ReceiverFixture.start()
        defer { Task { await fixture.receiver.stop() } }
        let connection = try fixture.connect()
        let body = try Requests.traces(resources: 1, spansEach: 3)
        for index in 0..<100 {
            await connection.post("/v1/traces", body, headers: [ReceiverFixture.protobuf])
            let reply = try #require(try await connection.readReply(), "request \(index)")
            #expect(reply.status == 200)
            #expect(reply.header("Connection") == nil)
        }
        #expect(fixture.buffers[.traces]?.stats.events == 300)
        #expect(fixture.receiver.stats.snapshot.requests(.traces, code: 200) == 100)
    }

    @Test("Connection: close is honoured: answered, then closed")
    func connectionClose() async throws {
        let fixture = try await ReceiverFixture.start()
        defer { Task { await fixture.receiver.stop() } }
        let connection = try fixture.connect()
        await connection.post("/v1/traces", try Requests.traces(), headers: [ReceiverFixture.protobuf, "Connection: close"])
        let reply = try #require(try await connection.readReply())
        #expect(reply.status == 200)
        #expect(reply.header("Connection") == "close")
        #expect(await connection.isClosedByServer())
    }

    @Test("Expect: 100-continue gets 100 before the body, then the answer")
    func expectContinue() async throws {
        let fixture = try await ReceiverFixture.start()
        defer { Task { await fixture.receiver.stop() } }
        let connection = try fixture.connect()
        let body = try Requests.traces()
        await connection.send(Array("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nExpect: 100-continue\r\nContent-Length: \(body.count)\r\n\r\n".utf8))
        #expect(try await connection.readReply(interim: true)?.status == 100)
        await connection.send(body)
        #expect(try await connection.readReply()?.status == 200)
    }

    @Test("a client leaving mid-body costs nothing: no batch, no answer, the server serves on")
    func clientLeavesMidBody() async throws {
        let fixture = try await ReceiverFixture.start()
        defer { Task { await fixture.receiver.stop() } }
        for _ in 0..<20 {
            let connection = try fixture.connect()
            await connection.send(Array("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 100000\r\n\r\n".utf8))
            await connection.send([UInt8](repeating: 0x0A, count: 5000))
        }  // each connection closes here
        #expect(try await fixture.post("/v1/traces", try Requests.traces()).status == 200)
        #expect(await eventually { fixture.receiver.openConnections == 0 }, "every abandoned connection was let go")
        #expect(fixture.buffers[.traces]?.stats.events == 2)
        #expect(fixture.receiver.stats.snapshot.requests.values.reduce(0, +) == 1)
    }

    @Test("garbage instead of HTTP: that connection is closed, the server lives on")
    func garbage() async throws {
        let fixture = try await ReceiverFixture.start()
        defer { Task { await fixture.receiver.stop() } }
        var random = SplitMix64(seed: 7)
        for round in 0..<10 {
            let connection = try fixture.connect()
            let junk = round == 0 ? Array("\u{0}\u{1}\u{2} NOT HTTP\r\n\r\n".utf8) : (0..<512).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            await connection.send(junk)
            #expect(await connection.isClosedByServer(), "round \(round)")
        }
        #expect(try await fixture.post("/v1/traces", try Requests.traces()).status == 200)
    }

    @Test("stop: refuses new connections, closes idle ones, answers the request in flight with Connection: close")
    func stopDrains() async throws {
        let fixture = try await ReceiverFixture.start()
        let idle = try fixture.connect()
        await idle.post("/v1/traces", try Requests.traces(), headers: [ReceiverFixture.protobuf])
        #expect(try await idle.readReply()?.status == 200)
        // Head and half the body sent: this request is in flight when stop begins.
        let body = try Requests.traces()
        let busy = try fixture.connect()
        await busy.send(Array("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body[..<(body.count / 2)])
        #expect(await eventually { fixture.receiver.openConnections == 2 })
        let stopped = Task { await fixture.receiver.stop() }
        #expect(await idle.isClosedByServer())
        await busy.send(Array(body[(body.count / 2)...]))
        let reply = try #require(try await busy.readReply())
        #expect(reply.status == 200)
        #expect(reply.header("Connection") == "close")
        await stopped.value
        #expect(throws: RawHTTP.Failure.self) { try fixture.connect() }
        #expect(fixture.buffers[.traces]?.stats.events == 4)
    }

    @Test("a taken port: start fails naming the address")
    func bindFailure() async throws {
        let fixture = try await ReceiverFixture.start()
        defer { Task { await fixture.receiver.stop() } }
        let second = OTLPReceiver(settings: .init(host: "127.0.0.1", port: fixture.port), output: SourceOutput(routes: []))
        await #expect {
            try await second.start()
        } throws: { error in
            "\(error)".hasPrefix("cannot listen on 127.0.0.1:\(fixture.port): ")
        }
    }
}

/// What the review of the receiver found (issue 7): connection and memory bounds, requests
/// that end their connection, refusals decided by the head, and honest counters.
extension ServerTests {
    static func rawRequest(_ version: String, _ body: [UInt8], headers: [String]) -> [UInt8] {
        let head = (["POST /v1/traces \(version)", "Host: 127.0.0.1", ReceiverFixture.protobuf, "Content-Length: \(body.count)"] + headers)
            .joined(separator: "\r\n") + "\r\n\r\n"
        return Array(head.utf8) + body
    }

    @Test("max_connections: one more connection is closed on arrival and counted; a freed slot is usable again")
    func connectionCap() async throws {
        let fixture = try await ReceiverFixture.start(settings: .init(port: 0, maxConnections: 2))
        defer { Task { await fixture.receiver.stop() } }
        var held: [HTTPConnection] = [try fixture.connect(), try fixture.connect()]
        #expect(await eventually { fixture.receiver.openConnections == 2 })
        let third = try fixture.connect()
        #expect(await third.isClosedByServer())
        #expect(fixture.receiver.stats.snapshot.refusedConnections == 1)
        await held[0].post("/v1/traces", try Requests.traces(), headers: [ReceiverFixture.protobuf])
        #expect(try await held[0].readReply()?.status == 200, "the admitted ones are served")

        held.removeLast()
        #expect(await eventually { fixture.receiver.openConnections == 1 })
        #expect(try await fixture.post("/v1/traces", try Requests.traces()).status == 200)
        #expect(fixture.receiver.stats.snapshot.refusedConnections == 1)
    }

    @Test("a claimed Content-Length reserves at most 64 KiB up front; the body grows as it arrives")
    func bodyReservationIsCapped() async throws {
        #expect(OTLPRequestHandler.emptyBody(claiming: 8 << 20).capacity < 128 << 10)
        #expect(OTLPRequestHandler.emptyBody(claiming: 1000).capacity >= 1000)
        #expect(OTLPRequestHandler.emptyBody(claiming: nil).capacity == 0)
        // A body claimed and sent at 1 MiB arrives whole past the first reservation.
        let fixture = try await ReceiverFixture.start()
        defer { Task { await fixture.receiver.stop() } }
        let big = try Requests.traces(resources: 1, spansEach: 10_000)
        #expect(big.count > 256 << 10)
        #expect(try await fixture.post("/v1/traces", big).status == 200)
        #expect(fixture.buffers[.traces]?.stats.events == 10_000)
    }

    @Test("a request that ends its connection is the last one served: a request pipelined behind it is not taken",
          arguments: ["HTTP/1.1 with Connection: close", "HTTP/1.0"])
    func lastRequestOnConnection(first: String) async throws {
        let fixture = try await ReceiverFixture.start()
        defer { Task { await fixture.receiver.stop() } }
        let body = try Requests.traces()
        let closing = first == "HTTP/1.0"
            ? Self.rawRequest("HTTP/1.0", body, headers: [])
            : Self.rawRequest("HTTP/1.1", body, headers: ["Connection: close"])
        let connection = try fixture.connect()
        await connection.send(closing + Self.rawRequest("HTTP/1.1", body, headers: []))
        let reply = try #require(try await connection.readReply())
        #expect(reply.status == 200)
        #expect(reply.header("Connection") == "close")
        #expect(await connection.isClosedByServer())
        #expect(try await fixture.post("/v1/traces", body).status == 200)
        #expect(fixture.buffers[.traces]?.stats.events == 4, "the first request's two spans, the later request's two, nothing pipelined")
        #expect(fixture.receiver.stats.snapshot.requests(.traces, code: 200) == 2)
    }

    @Test("an unsupported Content-Encoding is refused from the head with 400 naming it; the connection stays usable")
    func unsupportedContentEncoding() async throws {
        let fixture = try await ReceiverFixture.start()
        defer { Task { await fixture.receiver.stop() } }
        let connection = try fixture.connect()
        await connection.post("/v1/traces", try Requests.traces(), headers: [ReceiverFixture.protobuf, "Content-Encoding: br"])
        let refused = try #require(try await connection.readReply())
        #expect(refused.status == 400)
        let status = try #require(RPCStatus(protobuf: refused.body), "\(refused)")
        #expect(status.code == 3)
        #expect(status.message.contains("\"br\""), "\(status.message)")
        await connection.post("/v1/traces", try Requests.traces(), headers: [ReceiverFixture.protobuf])
        #expect(try await connection.readReply()?.status == 200)
        #expect(fixture.buffers[.traces]?.stats.events == 2)
        #expect(fixture.receiver.stats.snapshot.requests(.traces, code: 400) == 1)
    }

    @Test("Expect: 100-continue on a request refused by its head: the refusal comes at once, then the body is drained and the connection closed",
          arguments: [("\(ReceiverFixture.protobuf)\r\nContent-Encoding: zstd", 400), ("Content-Type: text/plain", 415)])
    func expectContinueRefusedAtHead(header: String, status: Int) async throws {
        let fixture = try await ReceiverFixture.start()
        defer { Task { await fixture.receiver.stop() } }
        let connection = try fixture.connect()
        let head = "POST /v1/traces HTTP/1.1\r\nHost: x\r\n\(header)\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n"
        await connection.send(Array(head.utf8))
        let reply = try #require(try await connection.readReply(interim: true))
        #expect(reply.status == status, "the final status, not 100, before any body byte")
        #expect(reply.header("Connection") == "close")
        await connection.send([UInt8](repeating: 0x0A, count: 5000))
        #expect(await connection.isClosedByServer())
        #expect(fixture.receiver.stats.snapshot.requests(.traces, code: status) == 1)
        #expect(await fixture.drain(.traces).isEmpty)
    }

    @Test("Expect: 100-continue from an HTTP/1.0 client is ignored: no 100, only the answer")
    func expectContinueHTTP10() async throws {
        let fixture = try await ReceiverFixture.start()
        defer { Task { await fixture.receiver.stop() } }
        let connection = try fixture.connect()
        await connection.send(Self.rawRequest("HTTP/1.0", try Requests.traces(), headers: ["Expect: 100-continue"]))
        let reply = try #require(try await connection.readReply(interim: true))
        #expect(reply.status == 200)
        #expect(await connection.isClosedByServer())
    }

    @Test("inflating up to the limit holds one buffer of limit + 1 bytes, not twice the limit; one byte more is 413")
    func inflateGrowthStopsAtTheLimit() throws {
        let limit = 8 << 20
        let output = try Inflate.decompress(TestCompression.gzip([UInt8](repeating: 0, count: limit), level: 9), format: .gzip, limit: limit)
        #expect(output.count == limit)
        #expect(output.capacity <= limit + (64 << 10), "capacity \(output.capacity) for a \(limit)-byte limit")
        #expect(throws: OTLPRequestError.self) {
            try Inflate.decompress(TestCompression.gzip([UInt8](repeating: 0, count: limit + 1), level: 9), format: .gzip, limit: limit)
        }
    }

    /// A `block` buffer whose appends wait until `open()`: holds an export in flight.
    final class GatedBuffer: TelemetryBuffer {
        let inner = MemoryBuffer(maxBytes: 64 << 20, whenFull: .block)
        private let state = Mutex((entered: false, open: false))

        var whenFull: WhenFull { inner.whenFull }
        var stats: BufferStats { inner.stats }
        var entered: Bool { state.withLock { $0.entered } }
        func open() { state.withLock { $0.open = true } }

        func append(_ item: BufferItem, ifBlocked: BlockedAppend) async throws(BufferError) -> AppendResult {
            state.withLock { $0.entered = true }
            let deadline = ContinuousClock.now + .seconds(20)
            while !state.withLock({ $0.open }) && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
            return try await inner.append(item, ifBlocked: ifBlocked)
        }

        func hasRoom(events: Int, bytes: Int) throws(BufferError) -> Bool { try inner.hasRoom(events: events, bytes: bytes) }
        func nextBatch(_ limits: BatchLimits) async -> BufferedBatch? { await inner.nextBatch(limits) }
        func complete(_ batch: BufferedBatch, delivered: Bool) { inner.complete(batch, delivered: delivered) }
        func close() async { await inner.close() }
    }

    @Test("a closed disk buffer: 503 saying the agent is stopping, counted as shutdown, not full")
    func closedDiskBuffer() async throws {
        let directory = try TemporaryDirectory("receiver-disk")
        let disk = try DiskBuffer(directory: directory.path, maxBytes: 1 << 20, whenFull: .block, sync: .never)
        let output = SourceOutput(routes: [.init(pipeline: "traces", signal: .traces, processors: [], buffers: [disk])])
        let receiver = OTLPReceiver(settings: .init(host: "127.0.0.1", port: 0), output: output)
        let port = try await receiver.start().port ?? 0
        defer { Task { await receiver.stop() } }
        await disk.closeLog()
        let connection = try HTTPConnection(port: port)
        await connection.post("/v1/traces", try Requests.traces(), headers: [ReceiverFixture.protobuf])
        let reply = try #require(try await connection.readReply())
        #expect(reply.status == 503)
        #expect(RPCStatus(protobuf: reply.body)?.message.contains("shutting down") == true, "\(reply.text)")
        #expect(receiver.stats.snapshot.refused(.traces, .shutdown) == 2)
        #expect(receiver.stats.snapshot.refused(.traces, .full) == 0)
    }

    @Test("a client that leaves while its request is exported is counted as code 0, not 200")
    func clientLeftBeforeTheAnswer() async throws {
        let buffer = GatedBuffer()
        defer { buffer.open() }
        let output = SourceOutput(routes: [.init(pipeline: "traces", signal: .traces, processors: [], buffers: [buffer])])
        let receiver = OTLPReceiver(settings: .init(host: "127.0.0.1", port: 0), output: output)
        let port = try await receiver.start().port ?? 0
        defer { Task { await receiver.stop() } }
        do {
            let connection = try HTTPConnection(port: port)
            await connection.post("/v1/traces", try Requests.traces(), headers: [ReceiverFixture.protobuf])
            #expect(await eventually { buffer.entered })
            withExtendedLifetime(connection) {}
        }  // the client gives up here
        #expect(await eventually { receiver.openConnections == 0 })
        buffer.open()
        #expect(await eventually { receiver.stats.snapshot.requests(.traces, code: ReceiverStats.clientLeft) == 1 })
        #expect(receiver.stats.snapshot.requests(.traces, code: 200) == 0)
        #expect(receiver.stats.snapshot.acceptedItems[.traces] == 2, "its spans were taken all the same")
        #expect(buffer.stats.events == 2)
    }
}
