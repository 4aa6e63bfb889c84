#if canImport(Glibc)
import Glibc
#endif
import Agent
import Foundation
import TestSupport
import Testing
import YAML

/// `type: otlp` as a user writes it, and the agent receiving OTLP through it.
@Suite("otlp source: config and a running agent")
struct OTLPSourceTests {
    let loader = ConfigLoader(catalog: .standard, environment: EnvironmentSubstitution([:]))

    func load(_ keys: String) throws(ConfigLoadError) -> OTLPSourceConfig? {
        let lines = ["sources:", "  app_otlp:", "    type: otlp"] + keys.split(separator: "\n").map { "    " + $0 }
        let config = try loader.load(bytes: Array(lines.joined(separator: "\n").utf8), file: "outrider.yaml").config
        return config.sources.first?.config as? OTLPSourceConfig
    }

    func errors(_ keys: String) -> [String] {
        configErrors { () throws(ConfigLoadError) in try load(keys) }
    }

    @Test func defaults() throws {
        let config = try #require(try load(""))
        #expect(config.listen == HostPort(host: "127.0.0.1", port: 4318))
        #expect(config.maxBodyBytes == ByteSize(bytes: 8 << 20))
        #expect(config.retryAfter == ConfigDuration(.seconds(1)))
        #expect(config.idleTimeout == ConfigDuration(.seconds(60)))
        #expect(config.maxConnections == 256)
    }

    @Test func everyKey() throws {
        let config = try #require(try load("""
            listen: "[::1]:14318"
            max_body_bytes: 512KiB
            retry_after: 5s
            idle_timeout: 2m
            max_connections: 16
            """))
        #expect(config.listen == HostPort(host: "::1", port: 14318))
        #expect(config.maxBodyBytes.bytes == 512 * 1024)
        #expect(config.retryAfter == ConfigDuration(.seconds(5)))
        #expect(config.idleTimeout == ConfigDuration(.seconds(120)))
        #expect(config.maxConnections == 16)
    }

    @Test func badAddressesAreRefusedWithTheirPosition() {
        #expect(errors("listen: 4318") == [
            #"outrider.yaml:4:13: sources.app_otlp.listen: expected host:port like "0.0.0.0:8686", got "4318""#
        ])
        #expect(errors("listen: collector.example:4318") == [
            #"outrider.yaml:4:13: sources.app_otlp.listen: must be an IP address to listen on, like 127.0.0.1:4318, 0.0.0.0:4318 or [::1]:4318, got "collector.example:4318""#
        ])
        #expect(errors("listen: localhost:4318").isEmpty)
    }

    @Test func outOfRangeValues() {
        #expect(errors("""
            max_body_bytes: 10B
            retry_after: 0s
            idle_timeout: 10ms
            max_connections: 0
            """) == [
            "outrider.yaml:4:21: sources.app_otlp.max_body_bytes: must be between 1KiB and 1GiB",
            "outrider.yaml:5:18: sources.app_otlp.retry_after: must be between 1s and 1h (Retry-After is in whole seconds)",
            "outrider.yaml:6:19: sources.app_otlp.idle_timeout: must be at least 1s",
            "outrider.yaml:7:22: sources.app_otlp.max_connections: must be between 1 and 65536",
        ])
    }

    @Test func unknownKeysAreNamedWithTheLikelyOne() {
        #expect(errors("max_body_size: 1MiB") == [
            #"outrider.yaml:4:5: sources.app_otlp.max_body_size: unknown key "max_body_size" (did you mean "max_body_bytes"?)"#
        ])
    }

    /// The port an agent's otlp source bound, from its start line.
    static func boundPort(_ agent: RunningAgent) async -> Int? {
        var port: Int?
        _ = await eventually {
            for line in agent.capture.all where line.contains("otlp receiver listening") {
                guard let start = line.firstRange(of: #""address":"127.0.0.1:"#)?.upperBound else { continue }
                port = Int(line[start...].prefix { $0.isNumber })
            }
            return port != nil
        }
        return port
    }

    static let spansJSON = #"""
        {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
         "scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1112131415161718",
          "name":"GET /cart","kind":2,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000001000000"}]}]}]}
        """#

    @Test func anAgentReceivesSpansAndWritesThemToItsExporter() async throws {
        let directory = try TemporaryDirectory()
        let output = directory.path + "/spans.jsonl"
        let agent = try await RunningAgent(config: """
            server: {listen: "127.0.0.1:0"}
            sources:
              app_otlp: {type: otlp, listen: "127.0.0.1:0"}
            exporters:
              out:
                type: file
                path: \(output)
                batch: {max_events: 100, max_wait: 20ms}
            pipelines:
              traces: {sources: [app_otlp], exporters: [out]}
            """, catalog: .standard)
        let port = try #require(await Self.boundPort(agent), "\(agent.logs)")
        let request = Array("""
            POST /v1/traces HTTP/1.1\r
            Host: 127.0.0.1\r
            Content-Type: application/json\r
            Content-Length: \(Self.spansJSON.utf8.count)\r
            Connection: close\r
            \r
            \(Self.spansJSON)
            """.utf8)
        // Off the cooperative pool: the receiver's export runs there, and a blocked thread
        // of its two would stall it (and this test with it).
        let reply = try await onOwnThread { try RawHTTP.exchange(request, port: port) }
        #expect(reply.status == 200, "\(reply)")
        #expect(reply.header("Content-Type") == "application/json")
        let written = { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }
        #expect(await eventually { written().contains(#""name":"GET /cart""#) }, "\(written())")
        #expect(written().contains("0102030405060708090a0b0c0d0e0f10"))

        // Metrics are copied once a second.
        let series = #"outrider_receiver_requests_total{receiver="app_otlp",signal="traces",code="200"} 1"#
        #expect(await eventually { (try? agent.get("/metrics").body.contains(series)) == true })
        let metrics = try agent.get("/metrics").body
        #expect(metrics.contains(#"outrider_receiver_accepted_items_total{receiver="app_otlp",signal="traces"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"outrider_receiver_refused_items_total{receiver="app_otlp",signal="traces",reason="full"} 0"#))
        #expect(metrics.contains(#"outrider_receiver_open_connections{receiver="app_otlp"} 0"#), "the request's connection closed")
        #expect(metrics.contains(#"outrider_receiver_refused_connections_total{receiver="app_otlp"} 0"#), "\(metrics)")
        #expect(!metrics.contains(#"signal="logs""#), "only the signals a pipeline takes")
        #expect(agent.logs.contains("otlp receiver listening"))
        _ = try await agent.stop()
        #expect(throws: RawHTTP.Failure.self, "the receiver stopped listening") { try RawHTTP.get("/v1/traces", port: port) }
    }

    @Test func aTakenPortFailsTheSourceNamingTheAddress() async throws {
        let (socket, port) = try Self.listeningSocket()
        defer { close(socket) }
        let agent = try await RunningAgent(config: """
            server: {listen: "127.0.0.1:0"}
            sources:
              app_otlp: {type: otlp, listen: "127.0.0.1:\(port)"}
            exporters:
              out: {type: blackhole}
            pipelines:
              logs: {sources: [app_otlp], exporters: [out]}
            """, catalog: .standard)
        #expect(await eventually { (try? agent.get("/healthz").status) == 503 })
        let health = try agent.get("/healthz").body
        #expect(health.contains("cannot listen on 127.0.0.1:\(port): "), "\(health)")
        #expect(agent.logs.contains("cannot listen on 127.0.0.1:\(port)"))
        _ = try await agent.stop()
    }

    /// A socket listening on 127.0.0.1 at a port the OS chose.
    static func listeningSocket() throws -> (Int32, Int) {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 1) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard fd >= 0, bound else { throw RawHTTP.Failure(description: "could not listen: errno \(errno)", errno: errno) }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}

/// Runs blocking `body` on a thread of its own and awaits its result.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
