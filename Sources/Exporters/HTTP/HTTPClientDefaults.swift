import AsyncHTTPClient
import NIOCore

/// How the agent should configure the one `HTTPClient` its HTTP exporters share.
public enum HTTPClientDefaults {
    public static func configuration() -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        // A 301/302 would turn the POST into a bodiless GET that "succeeds": batches
        // would vanish. A redirect is a configuration error, refused loudly instead.
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        // Each request has its own deadline (`timeout:`), but it ends when the response head
        // arrives: `read` bounds a body that stalls after that, which would otherwise hold a
        // delivery slot forever.
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: .seconds(10), read: .seconds(30))
        // Up to 64 batches in flight per exporter (`concurrency`), sharing hosts.
        configuration.connectionPool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        // A refused connect fails the request at once with the real reason (ECONNREFUSED)
        // instead of waiting out the connect timeout: the delivery loop retries with its
        // own backoff, and /status shows why.
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }
}
