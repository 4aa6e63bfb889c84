import AsyncHTTPClient
import Foundation
import Logging
import NIOSSL
import Telemetry
import TestSink
import TestSupport
import Testing
@testable import Exporters

/// TLS as users configure it, against a real HTTPS sink with certificates openssl made for
/// the test: a private CA trusted through `ca_file`, the system roots (which do not know
/// it), a wrong CA, `insecure_skip_verify`, mutual TLS, and `server_name` for an endpoint
/// addressed by IP whose certificate only names a host.
@Suite("HTTP: TLS and secrets", .serialized, .timeLimit(.minutes(2)))
struct HTTPTLSTests {
    /// A CA, a server certificate for 127.0.0.1, one for `backend.test` only, a client
    /// certificate, and an unrelated CA.
    struct Certificates {
        let directory: TemporaryDirectory
        var path: String { directory.path }
        func file(_ name: String) -> String { "\(path)/\(name)" }

        init() throws {
            directory = try TemporaryDirectory("outrider-tls")
            let openssl = try #require(Prerequisite.executable("openssl", installHint: "apt-get install openssl"))
            func run(_ arguments: [String]) throws {
                let result = try Command.run(openssl, arguments, timeoutSeconds: 30)
                try #require(result.status == 0, "openssl \(arguments.joined(separator: " ")): \(result.output)")
            }
            let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
            for ca in ["ca", "other-ca"] {
                try run(["req", "-x509"] + key + ["-keyout", file("\(ca).key"), "-out", file("\(ca).crt"), "-days", "2",
                         "-subj", "/CN=Outrider test \(ca)"])
            }
            let leaves: [(name: String, extensions: String)] = [
                ("server-ip", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"),
                ("server-name", "subjectAltName=DNS:backend.test\nextendedKeyUsage=serverAuth\n"),
                ("client", "extendedKeyUsage=clientAuth\n"),
            ]
            for leaf in leaves {
                _ = try directory.write("\(leaf.name).ext", leaf.extensions)
                try run(["req"] + key + ["-keyout", file("\(leaf.name).key"), "-out", file("\(leaf.name).csr"), "-subj", "/CN=\(leaf.name)"])
                try run(["x509", "-req", "-in", file("\(leaf.name).csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key"),
                         "-CAcreateserial", "-out", file("\(leaf.name).crt"), "-days", "2", "-extfile", file("\(leaf.name).ext")])
            }
        }

        /// The sink's TLS: `leaf`'s certificate; with `requireClient`, only clients the CA signed.
        func serverContext(_ leaf: String, requireClient: Bool = false) throws -> NIOSSLContext {
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(file("\(leaf).crt")).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: file("\(leaf).key"), format: .pem)))
            if requireClient {
                configuration.certificateVerification = .noHostnameVerification
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(file("ca.crt")))
            }
            return try NIOSSLContext(configuration: configuration)
        }
    }

    /// With `tls.server_name`, on a client with the DNS override the sender asks for, as
    /// the agent's `SharedHTTPClient` provides it.
    static func send(to sink: TestSink, tls: HTTPTLSOptions?, logger: Logger = Harness.quiet) async throws -> SendOutcome {
        let configuration = HTTPSenderConfiguration(endpoint: "https://127.0.0.1:\(sink.port)/ingest", timeout: .seconds(10), tls: tls)
        var ownClient: HTTPClient?
        if let override = HTTPSender.dnsOverride(for: configuration) {
            var clientConfiguration = HTTPClientDefaults.configuration()
            clientConfiguration.dnsOverride = override
            ownClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        }
        let sender = try HTTPSender(
            clients: { $0.isEmpty ? HTTPSenderTests.client : ownClient }, configuration: configuration, encoder: BodyLinesEncoder(),
            logger: logger)
        let outcome = await sender.send([Harness.logs(0..<3)])
        await sender.shutdown()
        try await ownClient?.shutdown()
        return outcome
    }

    static func isFailure(_ outcome: SendOutcome) -> Bool {
        if case .retryable = outcome { return true }
        return false
    }

    @Test("ca_file: the private CA is trusted; the system roots and a wrong CA are not")
    func caFile() async throws {
        let certificates = try Certificates()
        let sink = try await TestSink.start(tls: try certificates.serverContext("server-ip"))
        defer { Task { try? await sink.stop() } }

        #expect(try await Self.send(to: sink, tls: HTTPTLSOptions(caFile: certificates.file("ca.crt"))) == .delivered)
        #expect(sink.stats.lines == 3)

        let systemRoots = try await Self.send(to: sink, tls: nil)
        #expect(Self.isFailure(systemRoots), "an unknown CA must be refused: \(systemRoots)")
        let wrongCA = try await Self.send(to: sink, tls: HTTPTLSOptions(caFile: certificates.file("other-ca.crt")))
        #expect(Self.isFailure(wrongCA), "a certificate from another CA must be refused: \(wrongCA)")
        if case .retryable(let reason, _) = wrongCA { #expect(reason.contains("POST https://127.0.0.1")) }
        #expect(sink.stats.lines == 3, "nothing reached the sink over an unverified connection")
    }

    @Test("insecure_skip_verify: accepted whatever the CA, and logged as a warning")
    func insecureSkipVerify() async throws {
        let certificates = try Certificates()
        let sink = try await TestSink.start(tls: try certificates.serverContext("server-ip"))
        defer { Task { try? await sink.stop() } }
        let capture = LogCapture()
        let outcome = try await Self.send(
            to: sink, tls: HTTPTLSOptions(caFile: certificates.file("other-ca.crt"), insecureSkipVerify: true),
            logger: capture.logger)
        #expect(outcome == .delivered)
        let warnings = capture.messages(.warning)
        #expect(warnings.count == 1 && warnings[0].contains("insecure_skip_verify"), "\(warnings)")
    }

    @Test("mutual TLS: without a client certificate the server refuses; with cert_file and key_file it accepts")
    func mutualTLS() async throws {
        let certificates = try Certificates()
        let sink = try await TestSink.start(tls: try certificates.serverContext("server-ip", requireClient: true))
        defer { Task { try? await sink.stop() } }
        let anonymous = try await Self.send(to: sink, tls: HTTPTLSOptions(caFile: certificates.file("ca.crt")))
        #expect(Self.isFailure(anonymous), "the server requires a client certificate: \(anonymous)")
        let mutual = HTTPTLSOptions(
            caFile: certificates.file("ca.crt"), certFile: certificates.file("client.crt"), keyFile: certificates.file("client.key"))
        #expect(try await Self.send(to: sink, tls: mutual) == .delivered)
        #expect(sink.stats.lines == 3)
    }

    @Test("server_name: an endpoint addressed by IP is verified against the name its certificate carries")
    func serverName() async throws {
        let certificates = try Certificates()
        let sink = try await TestSink.start(tls: try certificates.serverContext("server-name"))
        defer { Task { try? await sink.stop() } }
        let byIP = try await Self.send(to: sink, tls: HTTPTLSOptions(caFile: certificates.file("ca.crt")))
        #expect(Self.isFailure(byIP), "the certificate does not name 127.0.0.1: \(byIP)")
        let named = try await Self.send(to: sink, tls: HTTPTLSOptions(caFile: certificates.file("ca.crt"), serverName: "backend.test"))
        #expect(named == .delivered)
        let wrongName = try await Self.send(to: sink, tls: HTTPTLSOptions(caFile: certificates.file("ca.crt"), serverName: "other.test"))
        #expect(Self.isFailure(wrongName))
        #expect(sink.stats.lines == 3)
        // A client without the override would send to backend.test's real address: refused.
        #expect(throws: HTTPSenderError.serverNameNeedsClient("backend.test")) {
            try HTTPSender(
                client: HTTPSenderTests.client,
                configuration: HTTPSenderConfiguration(
                    endpoint: "https://127.0.0.1:\(sink.port)/", tls: HTTPTLSOptions(serverName: "backend.test")),
                encoder: BodyLinesEncoder(), logger: Harness.quiet)
        }
    }

    @Test("bad TLS files fail at start, naming the setting and the file; a lone cert_file is refused")
    func badFiles() throws {
        let certificates = try Certificates()
        let garbage = try certificates.directory.write("garbage.pem", "not a certificate\n")
        func make(_ tls: HTTPTLSOptions) -> HTTPSenderError? {
            do {
                _ = try HTTPSender(
                    client: HTTPSenderTests.client, configuration: HTTPSenderConfiguration(endpoint: "https://127.0.0.1:1/", tls: tls),
                    encoder: BodyLinesEncoder(), logger: Harness.quiet)
                return nil
            } catch {
                return error
            }
        }
        #expect(make(HTTPTLSOptions(caFile: garbage))?.description.hasPrefix("tls.ca_file \(garbage)") == true)
        #expect(make(HTTPTLSOptions(certFile: certificates.file("client.crt"), keyFile: garbage))?.description
            .hasPrefix("tls.key_file \(garbage)") == true)
        #expect(make(HTTPTLSOptions(certFile: certificates.file("client.crt"))) == .incompleteClientCertificate)
        // A key that is not the certificate's is caught at start, and no key content is quoted.
        let otherKey = try String(contentsOfFile: certificates.file("server-ip.key"), encoding: .utf8)
        let mismatch = make(HTTPTLSOptions(certFile: certificates.file("client.crt"), keyFile: certificates.file("server-ip.key")))
        guard case .unusableTLSConfiguration? = mismatch else {
            Issue.record("a certificate with another's key must fail at start, got \(String(describing: mismatch))")
            return
        }
        let keyLines = otherKey.split(separator: "\n").filter { !$0.hasPrefix("-----") }
        #expect(!keyLines.isEmpty && keyLines.allSatisfy { !(mismatch?.description.contains($0) ?? true) })
        // A truncated key file: named, its content not quoted.
        let truncated = try certificates.directory.write("truncated.key", String(otherKey.prefix(80)))
        let broken = make(HTTPTLSOptions(certFile: certificates.file("client.crt"), keyFile: truncated))
        #expect(broken?.description.hasPrefix("tls.key_file \(truncated)") == true)
        #expect(!(broken?.description.contains(String(keyLines[0].prefix(20))) ?? true))
    }

    @Test("headers_from_files: values read per request, re-read when the file changes, never in failure reasons")
    func headerFiles() async throws {
        let directory = try TemporaryDirectory("outrider-header-files")
        let keyFile = try directory.write("api-key", "s3cret-one\n")
        let sender = try HTTPSender(
            client: HTTPSenderTests.client,
            configuration: HTTPSenderConfiguration(
                endpoint: "http://user:hunter2@127.0.0.1:1/ingest", headerFiles: ["X-Api-Key": keyFile]),
            encoder: BodyLinesEncoder(), logger: Harness.quiet)
        #expect(try sender.makeRequest(body: []).headers["X-Api-Key"] == ["s3cret-one"])
        // Same length: only the file's identity (a new inode from the atomic replace, a new
        // modification time) tells the change.
        try await Task.sleep(for: .milliseconds(10))
        try directory.write("api-key", "s3cret-two\n")
        #expect(try sender.makeRequest(body: []).headers["X-Api-Key"] == ["s3cret-two"])
        // Nothing listens on port 1: the failure names the endpoint without the password.
        let outcome = await sender.send([Harness.logs(0..<1)])
        guard case .retryable(let reason, _) = outcome else {
            Issue.record("expected a retryable failure, got \(outcome)")
            return
        }
        #expect(reason.contains("POST http://***@127.0.0.1:1") && !reason.contains("hunter2") && !reason.contains("s3cret"))
        try FileManager.default.removeItem(atPath: keyFile)
        #expect(try sender.makeRequest(body: []).headers["X-Api-Key"] == ["s3cret-two"], "the last good value is kept")
        await sender.shutdown()

        let missing = try HTTPSender(
            client: HTTPSenderTests.client,
            configuration: HTTPSenderConfiguration(endpoint: "http://127.0.0.1:1/", headerFiles: ["X-Api-Key": "\(directory.path)/absent"]),
            encoder: BodyLinesEncoder(), logger: Harness.quiet)
        guard case .retryable(let missingReason, _) = await missing.send([Harness.logs(0..<1)]) else {
            Issue.record("a missing header file is retryable (the Secret may be mounted late)")
            return
        }
        #expect(missingReason == "header X-Api-Key file \(directory.path)/absent: No such file or directory")
    }

    @Test("endpoint redaction keeps everything but a password")
    func redaction() {
        #expect(EndpointAuthority.redacting("https://u:p@h:443/v1?x=1") == "https://***@h:443/v1?x=1")
        #expect(EndpointAuthority.redacting("https://TOKEN@h/") == "https://***@h/")
        #expect(EndpointAuthority.redacting("https://u:pa/ss@h/x") == "https://***@h/x")
        #expect(EndpointAuthority.redacting("https://h/x?to=a@b") == "https://h/x?to=a@b")
        #expect(EndpointAuthority.hasUserInfo("https://u:p@h/") && !EndpointAuthority.hasUserInfo("https://h/?a=b@c"))
        #expect(EndpointAuthority.redacting("http://[::1]:8080/x") == "http://[::1]:8080/x")
        #expect(EndpointAuthority("https://u:p@[::1]:8080/x")?.host == "::1")
        #expect(EndpointAuthority("https://10.0.0.1:4318/v1/logs")?.replacingHost(with: "collector.internal")
            == "https://collector.internal:4318/v1/logs")
    }
}
