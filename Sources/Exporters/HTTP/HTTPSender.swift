import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import Telemetry

/// One HTTP exporter's way to its backend: POSTs each batch, encoded by the exporter's
/// `BatchEncoder` (and gzipped when configured), on the agent's shared `HTTPClient`, and
/// reads the answer as a `SendOutcome` through a `ResponseClassifier`. Retries, concurrency
/// and acknowledgements are the `DeliveryLoop`'s.
public final class HTTPSender: ExportSender {
    /// Bytes of a response body kept for a failure's reason.
    static let keptResponseBytes = 1024
    /// Bytes of a response body read (and dropped) so the connection can be reused;
    /// beyond this the connection is closed instead.
    static let drainedResponseBytes = 64 << 10

    public let configuration: HTTPSenderConfiguration
    let client: HTTPClient
    let encoder: any BatchEncoder
    let classifier: any ResponseClassifier
    let token: SecretFile?
    /// Header name and the file its value is read from, per request.
    let headerFiles: [(name: String, file: SecretFile)]
    let tls: TLSConfiguration?
    /// The URL requests go to: the endpoint, or with `tls.server_name` as its host (the
    /// client then connects to the endpoint's host through its DNS override).
    let requestURL: String
    /// Configured headers plus the sender's own, built once.
    let headers: HTTPHeaders
    let timeout: TimeAmount
    let logger: Logger
    let wallClock: WallClock

    /// A sender on `client`, which has no DNS override: refuses a `tls.server_name` that
    /// needs one (`serverNameNeedsClient`).
    public convenience init(
        client: HTTPClient, configuration: HTTPSenderConfiguration, encoder: any BatchEncoder,
        classifier: any ResponseClassifier = DefaultResponseClassifier(), logger: Logger, wallClock: WallClock = .system
    ) throws(HTTPSenderError) {
        try self.init(
            clients: { override in override.isEmpty ? client : nil }, configuration: configuration, encoder: encoder,
            classifier: classifier, logger: logger, wallClock: wallClock)
    }

    /// - Parameters:
    ///   - clients: the client for a DNS override (`[:]` for none): the agent's shared
    ///     clients (`HTTPClientDefaults.configuration()` plus the override), which it shuts
    ///     down after every exporter stopped; nil when the caller has none for it.
    ///   - wallClock: for Retry-After dates.
    /// - Throws: an endpoint that is not an http(s) URL, an unreadable TLS file.
    public init(
        clients: (_ dnsOverride: [String: String]) -> HTTPClient?, configuration: HTTPSenderConfiguration,
        encoder: any BatchEncoder, classifier: any ResponseClassifier = DefaultResponseClassifier(), logger: Logger,
        wallClock: WallClock = .system
    ) throws(HTTPSenderError) {
        do {
            _ = try HTTPClient.Request(url: configuration.endpoint, method: .POST)
        } catch {
            throw .invalidEndpoint(EndpointAuthority.redacting(configuration.endpoint), reason: "\(error)")
        }
        self.configuration = configuration
        self.encoder = encoder
        self.classifier = classifier
        self.logger = logger
        self.wallClock = wallClock
        token = configuration.bearerTokenFile.map { SecretFile(path: $0, what: "bearer token file") }
        headerFiles = configuration.headerFiles.sorted { $0.key < $1.key }.map {
            (name: $0.key, file: SecretFile(path: $0.value, what: "header \($0.key) file"))
        }
        let isHTTPS = configuration.endpoint.lowercased().hasPrefix("https:")
        tls = try isHTTPS ? configuration.tls?.makeConfiguration() : nil
        if isHTTPS, configuration.tls?.insecureSkipVerify == true {
            logger.warning(
                "TLS certificate verification is off for \(EndpointAuthority.redacting(configuration.endpoint)) (tls.insecure_skip_verify): anyone on the path can read and alter what is sent",
                metadata: ["endpoint": "\(EndpointAuthority.redacting(configuration.endpoint))"])
        }
        if let override = Self.dnsOverride(for: configuration), let target = EndpointAuthority(configuration.endpoint),
            let serverName = configuration.tls?.serverName
        {
            guard let client = clients(override) else { throw .serverNameNeedsClient(serverName) }
            self.client = client
            requestURL = target.replacingHost(with: serverName)
        } else {
            guard let client = clients([:]) else {
                throw .invalidEndpoint(EndpointAuthority.redacting(configuration.endpoint), reason: "no HTTP client to send with")
            }
            self.client = client
            requestURL = configuration.endpoint
        }
        var headers = HTTPHeaders()
        for (name, value) in configuration.headers.sorted(by: { $0.key < $1.key }) { headers.add(name: name, value: value) }
        headers.replaceOrAdd(name: "User-Agent", value: configuration.userAgent)
        headers.replaceOrAdd(name: "Content-Type", value: encoder.contentType)
        if configuration.compression == .gzip { headers.replaceOrAdd(name: "Content-Encoding", value: "gzip") }
        self.headers = headers
        timeout = .nanoseconds(Self.nanoseconds(configuration.timeout))
    }

    public func send(_ batches: [TelemetryBatch]) async -> SendOutcome {
        await attempt(batches).outcome
    }

    public func attempt(_ batches: [TelemetryBatch]) async -> SendAttempt {
        let body: EncodedBody
        do {
            body = try encodeBody(batches)
        } catch {
            return SendAttempt(.permanent(reason: error.description))
        }
        let request: HTTPClientRequest
        do {
            request = try makeRequest(body: body.bytes)
        } catch {
            // The token may appear (a volume mounted late): worth retrying.
            return SendAttempt(.retryable(reason: error.description))
        }
        do {
            let response = try await client.execute(request, timeout: timeout, logger: logger)
            let retryAfter = response.headers.first(name: "Retry-After").flatMap { RetryAfter.parse($0, now: wallClock.now()) }
            let answer = await Self.readBody(response.body)
            let outcome = classifier.classify(status: Int(response.status.code), retryAfter: retryAfter, body: answer)
            return SendAttempt(outcome.addingRejected(of: body), bytes: body.bytes.count)
        } catch {
            return SendAttempt(.retryable(reason: describe(error)))
        }
    }

    /// The request body as it goes on the wire.
    func encode(_ batches: [TelemetryBatch]) throws(EncodingFailure) -> [UInt8] {
        try encodeBody(batches).bytes
    }

    /// The request body as it goes on the wire, with what the encoder left out. Both
    /// failures are the batch's own: retrying cannot help.
    func encodeBody(_ batches: [TelemetryBatch]) throws(EncodingFailure) -> EncodedBody {
        var encoded = try encoder.encodeBody(batches)
        guard configuration.compression == .gzip else { return encoded }
        do {
            encoded.bytes = try Gzip.compress(encoded.bytes)
        } catch {
            throw EncodingFailure("cannot compress \(encoded.bytes.count) bytes: \(error)")
        }
        return encoded
    }

    func makeRequest(body: [UInt8]) throws(SecretFile.Failure) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: requestURL)
        request.method = .POST
        request.headers = headers
        for header in headerFiles { request.headers.replaceOrAdd(name: header.name, value: try header.file.value()) }
        if let token { request.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(try token.value())") }
        request.body = .bytes(body)
        request.tlsConfiguration = tls
        return request
    }

    /// AsyncHTTPClient checks the certificate against (and sends SNI for) the URL's host:
    /// for `tls.server_name` the request names that host and the client connects to the
    /// endpoint's real host through this DNS override. Nil when no override is needed.
    public static func dnsOverride(for configuration: HTTPSenderConfiguration) -> [String: String]? {
        guard configuration.endpoint.lowercased().hasPrefix("https:"), let serverName = configuration.tls?.serverName,
            let target = EndpointAuthority(configuration.endpoint), serverName != target.host
        else { return nil }
        return [serverName: target.host]
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole + attoseconds / 1_000_000_000
    }
}
