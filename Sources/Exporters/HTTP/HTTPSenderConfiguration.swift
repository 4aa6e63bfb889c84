/// What one HTTP exporter sends where: the shared HTTP keys of an exporter's config
/// (`endpoint`, `headers`, `compression`, `timeout`, `auth`, `tls`).
public struct HTTPSenderConfiguration: Sendable, Hashable {
    /// The URL POSTed to, e.g. `http://otel-collector:4318/v1/logs`.
    public var endpoint: String
    /// Extra request headers (`X-Tenant`, …); the sender's own (`Content-Type`,
    /// `Content-Encoding`, `Authorization`) take precedence.
    public var headers: [String: String]
    public var compression: HTTPCompression
    /// Limit on one whole request, connect to last response byte.
    public var timeout: Duration
    /// `Authorization: Bearer <contents>`, re-read when the file changes.
    public var bearerTokenFile: String?
    /// Header name → file whose (trimmed) content is the value, re-read when it changes:
    /// API keys and tenant secrets mounted from Kubernetes Secrets.
    public var headerFiles: [String: String]
    /// Nil: the system's trust roots for `https`.
    public var tls: HTTPTLSOptions?
    public var userAgent: String

    public init(
        endpoint: String, headers: [String: String] = [:], compression: HTTPCompression = .none,
        timeout: Duration = .seconds(10), bearerTokenFile: String? = nil, headerFiles: [String: String] = [:],
        tls: HTTPTLSOptions? = nil, userAgent: String = "outrider"
    ) {
        self.headerFiles = headerFiles
        self.endpoint = endpoint
        self.headers = headers
        self.compression = compression
        self.timeout = timeout
        self.bearerTokenFile = bearerTokenFile
        self.tls = tls
        self.userAgent = userAgent
    }
}
