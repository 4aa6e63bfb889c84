import AsyncHTTPClient
import Foundation
import Logging
import Telemetry
import TestSink
import TestSupport
import Testing
@testable import Exporters

@Suite("HTTP: sender", .timeLimit(.minutes(1)))
struct HTTPSenderTests {
    static let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: HTTPClientDefaults.configuration())

    static func sender(
        _ configuration: HTTPSenderConfiguration, encoder: any BatchEncoder = BodyLinesEncoder(), client: HTTPClient = client
    ) throws -> HTTPSender {
        try HTTPSender(client: client, configuration: configuration, encoder: encoder, logger: Harness.quiet)
    }

    @Test("request: POST to the endpoint with configured headers, content type, encoding, user agent")
    func requestHeaders() throws {
        let configuration = HTTPSenderConfiguration(
            endpoint: "http://collector.example:4318/v1/logs", headers: ["X-Tenant": "platform", "X-Scope": "a"],
            compression: .gzip, userAgent: "outrider/1.0")
        let request = try Self.sender(configuration).makeRequest(body: [1, 2, 3])
        #expect(request.url == "http://collector.example:4318/v1/logs")
        #expect(request.method == .POST)
        #expect(request.headers["X-Tenant"] == ["platform"] && request.headers["X-Scope"] == ["a"])
        #expect(request.headers["Content-Type"] == ["application/x-ndjson"])
        #expect(request.headers["Content-Encoding"] == ["gzip"])
        #expect(request.headers["User-Agent"] == ["outrider/1.0"])
        #expect(request.headers["Authorization"].isEmpty)
        #expect(request.tlsConfiguration == nil)
    }

    @Test("body: gzip when configured, plain otherwise")
    func body() throws {
        let batch = Harness.logs(0..<3)
        let plain = try Self.sender(HTTPSenderConfiguration(endpoint: "http://127.0.0.1:1/")).encode([batch])
        #expect(plain == Array("{\"seq\":0}\n{\"seq\":1}\n{\"seq\":2}\n".utf8))
        let gzipped = try Self.sender(HTTPSenderConfiguration(endpoint: "http://127.0.0.1:1/", compression: .gzip)).encode([batch])
        #expect(try HTTPGzipTests.gunzip(gzipped) == plain)
    }

    @Test("bearer token: read from the file, re-read when it is replaced or rewritten")
    func bearerTokenRotation() throws {
        let directory = try TemporaryDirectory("outrider-token")
        let path = try directory.write("token", "first-token\n")
        let sender = try Self.sender(HTTPSenderConfiguration(endpoint: "http://127.0.0.1:1/", bearerTokenFile: path))
        func authorization() throws -> [String] { try sender.makeRequest(body: []).headers["Authorization"] }

        #expect(try authorization() == ["Bearer first-token"])
        // Replaced by rename, as Kubernetes' atomic writer does: a new inode.
        try directory.write("token", "second-token")
        #expect(try authorization() == ["Bearer second-token"])
        // Rewritten in place with another length.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data("third-token-longer".utf8))
        try handle.close()
        #expect(try authorization() == ["Bearer third-token-longer"])
        // Gone mid-rotation: the last good token is kept.
        try FileManager.default.removeItem(atPath: path)
        #expect(try authorization() == ["Bearer third-token-longer"])
    }

    @Test("bearer token: a missing or empty file fails the attempt as retryable, naming the file")
    func bearerTokenMissing() async throws {
        let directory = try TemporaryDirectory("outrider-token")
        let sender = try Self.sender(
            HTTPSenderConfiguration(endpoint: "http://127.0.0.1:1/", bearerTokenFile: "\(directory.path)/absent"))
        guard case .retryable(let reason, _) = await sender.send([Harness.logs(0..<1)]) else {
            Issue.record("not retryable")
            return
        }
        #expect(reason.contains("\(directory.path)/absent"))
        let empty = try directory.write("empty", " \n")
        let emptySender = try Self.sender(HTTPSenderConfiguration(endpoint: "http://127.0.0.1:1/", bearerTokenFile: empty))
        #expect(throws: SecretFile.Failure.self) { try emptySender.makeRequest(body: []) }
    }

    @Test("an endpoint that is not an http(s) URL fails at start", arguments: ["", "collector:4318", "ftp://x/", "http://"])
    func invalidEndpoint(endpoint: String) {
        #expect(throws: HTTPSenderError.self) { try Self.sender(HTTPSenderConfiguration(endpoint: endpoint)) }
    }

    @Test("an unreadable CA file fails at start")
    func badCAFile() throws {
        let directory = try TemporaryDirectory("outrider-ca")
        let notPEM = try directory.write("ca.crt", "not a certificate\n")
        for caFile in [notPEM, "\(directory.path)/missing.crt"] {
            let configuration = HTTPSenderConfiguration(endpoint: "https://127.0.0.1:1/", tls: HTTPTLSOptions(caFile: caFile))
            #expect(throws: HTTPSenderError.self) { try Self.sender(configuration) }
        }
        let insecure = HTTPSenderConfiguration(endpoint: "https://127.0.0.1:1/", tls: HTTPTLSOptions(insecureSkipVerify: true))
        let request = try Self.sender(insecure).makeRequest(body: [])
        #expect(request.tlsConfiguration.map { "\($0.certificateVerification)".hasPrefix("none") } == true)
    }

    @Test("connection refused is retryable and names the endpoint")
    func connectionRefused() async throws {
        let port = freeLoopbackPort()
        let sender = try Self.sender(HTTPSenderConfiguration(endpoint: "http://127.0.0.1:\(port)/ingest"))
        guard case .retryable(let reason, nil) = await sender.send([Harness.logs(0..<1)]) else {
            Issue.record("not retryable")
            return
        }
        #expect(reason.hasPrefix("POST http://127.0.0.1:\(port)/ingest: "))
    }

    @Test("no answer within the timeout is retryable")
    func timeout() async throws {
        try await Harness.withSink(.slow(.seconds(30))) { sink, client in
            let configuration = HTTPSenderConfiguration(endpoint: "http://127.0.0.1:\(sink.port)/ingest", timeout: .milliseconds(200))
            let outcome = try await Self.sender(configuration, client: client).send([Harness.logs(0..<1)])
            #expect(outcome == .retryable(reason: "POST http://127.0.0.1:\(sink.port)/ingest: no answer within 0.2 seconds"))
        }
    }

    @Test("a batch the encoder refuses is permanent, and nothing is sent")
    func encodingFailure() async throws {
        try await Harness.withSink { sink, client in
            let configuration = HTTPSenderConfiguration(endpoint: "http://127.0.0.1:\(sink.port)/ingest")
            let outcome = try await Self.sender(configuration, client: client).send([.spans([])])
            #expect(outcome == .permanent(reason: "only logs"))
            #expect(sink.stats.requests == 0)
        }
    }

    @Test("a delivered request reports the bytes it sent")
    func deliveredBytes() async throws {
        try await Harness.withSink { sink, client in
            let sender = try Self.sender(HTTPSenderConfiguration(endpoint: "http://127.0.0.1:\(sink.port)/ingest"), client: client)
            let attempt = await sender.attempt([Harness.logs(0..<3)])
            #expect(attempt == SendAttempt(.delivered, bytes: 30))
            #expect(sink.stats.lines == 3 && sink.stats.contentTypes == ["application/x-ndjson": 1])
        }
    }
}
