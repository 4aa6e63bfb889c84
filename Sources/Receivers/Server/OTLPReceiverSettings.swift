/// How an OTLP/HTTP receiver listens and what it takes.
public struct OTLPReceiverSettings: Sendable, Hashable {
    /// An IP address (or `localhost`) to bind; a sidecar's default is loopback only.
    public var host: String
    /// 0 asks the OS for a free port; `OTLPReceiver.start` returns the one bound.
    public var port: Int
    /// The largest request body taken, compressed or not, and the largest a gzip body may
    /// inflate to: no request holds more than this in memory.
    public var maxBodyBytes: Int
    /// What a 503 tells the sender to wait before retrying when a `block` buffer is full.
    /// Sent in whole seconds, rounded up: `Retry-After` has no finer unit.
    public var retryAfter: Duration
    /// A keep-alive connection with nothing to say for this long is closed.
    public var idleTimeout: Duration
    /// How long `stop` lets requests in flight finish before closing their connections.
    public var shutdownGrace: Duration
    /// Connections open at once; one more is closed as soon as it is accepted (and counted).
    /// Each may hold a body of up to `maxBodyBytes` and its decoded copy, so this with
    /// `maxBodyBytes` bounds the receiver's memory.
    public var maxConnections: Int

    public init(
        host: String = "127.0.0.1", port: Int = 4318, maxBodyBytes: Int = 8 << 20, retryAfter: Duration = .seconds(1),
        idleTimeout: Duration = .seconds(60), shutdownGrace: Duration = .seconds(5), maxConnections: Int = 256
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = max(1, maxBodyBytes)
        self.retryAfter = retryAfter
        self.idleTimeout = idleTimeout
        self.shutdownGrace = shutdownGrace
        self.maxConnections = max(1, maxConnections)
    }

    /// `Retry-After`'s value: whole seconds, at least 1 (0 would invite a retry storm).
    var retryAfterSeconds: Int {
        let (seconds, attoseconds) = retryAfter.components
        return Int(max(1, seconds + (attoseconds > 0 ? 1 : 0)))
    }
}
