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
    let token: BearerTokenFile?
    let tls: TLSConfiguration?
    /// Configured headers plus the sender's own, built once.
    let headers: HTTPHeaders
    let timeout: TimeAmount
    let logger: Logger
    let wallClock: WallClock

    /// - Parameters:
    ///   - client: the agent's shared client (`HTTPClientDefaults.configuration()`); the
    ///     agent shuts it down after every exporter stopped.
    ///   - wallClock: for Retry-After dates.
    /// - Throws: an endpoint that is not an http(s) URL, an unreadable `tls.ca_file`.
    public init(
        client: HTTPClient, configuration: HTTPSenderConfiguration, encoder: any BatchEncoder,
        classifier: any ResponseClassifier = DefaultResponseClassifier(), logger: Logger, wallClock: WallClock = .system
    ) throws(HTTPSenderError) {
        do {
            _ = try HTTPClient.Request(url: configuration.endpoint, method: .POST)
        } catch {
            throw .invalidEndpoint(configuration.endpoint, reason: "\(error)")
        }
        self.client = client
        self.configuration = configuration
        self.encoder = encoder
        self.classifier = classifier
        self.logger = logger
        self.wallClock = wallClock
        token = configuration.bearerTokenFile.map(BearerTokenFile.init(path:))
        let isHTTPS = configuration.endpoint.lowercased().hasPrefix("https:")
        tls = try isHTTPS ? configuration.tls?.makeConfiguration() : nil
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
        let body: [UInt8]
        do {
            body = try encode(batches)
        } catch {
            return SendAttempt(.permanent(reason: error.description))
        }
        let request: HTTPClientRequest
        do {
            request = try makeRequest(body: body)
        } catch {
            // The token may appear (a volume mounted late): worth retrying.
            return SendAttempt(.retryable(reason: error.description))
        }
        do {
            let response = try await client.execute(request, timeout: timeout, logger: logger)
            let retryAfter = response.headers.first(name: "Retry-After").flatMap { RetryAfter.parse($0, now: wallClock.now()) }
            let answer = await Self.readBody(response.body)
            return SendAttempt(
                classifier.classify(status: Int(response.status.code), retryAfter: retryAfter, body: answer), bytes: body.count)
        } catch {
            return SendAttempt(.retryable(reason: describe(error)))
        }
    }

    /// The request body as it goes on the wire. Both failures are the batch's own:
    /// retrying cannot help.
    func encode(_ batches: [TelemetryBatch]) throws(EncodingFailure) -> [UInt8] {
        let encoded = try encoder.encode(batches)
        guard configuration.compression == .gzip else { return encoded }
        do {
            return try Gzip.compress(encoded)
        } catch {
            throw EncodingFailure("cannot compress \(encoded.count) bytes: \(error)")
        }
    }

    func makeRequest(body: [UInt8]) throws(BearerTokenFile.Failure) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: configuration.endpoint)
        request.method = .POST
        request.headers = headers
        if let token { request.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(try token.token())") }
        request.body = .bytes(body)
        request.tlsConfiguration = tls
        return request
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole + attoseconds / 1_000_000_000
    }
}
