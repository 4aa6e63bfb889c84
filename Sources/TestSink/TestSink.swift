import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A test backend: an HTTP/1.1 sink on plain SwiftNIO that counts what it receives, checks
/// per-line sequence numbers for loss, duplicates and reordering, and fails on command.
///
/// Any path takes any body: newline-delimited lines (NDJSON, text, opaque content) or a
/// JSON array (`application/json` starting with `[`, one line per element), gzip or
/// deflate encoded or not; a snappy body (remote_write) is counted in bytes, not decoded.
/// `/loki/api/v1/push` takes Loki's push JSON only: checked against its schema (400 with
/// the reason otherwise), one line per entry, its stream labels and `X-Scope-OrgID`
/// recorded in `SinkStats.loki…`. `/_control/…` drives it over HTTP (see `SinkHTTPHandler`), so
/// the `outrider-sink` executable can be steered with curl during a benchmark.
///
/// Memory is bounded whatever the traffic: bodies are scanned as they stream in, never
/// kept (a gzip/deflate body is held compressed, up to `maxBodyBytes`, until decoded with
/// a 32 KiB window); a request's sequence numbers wait for its end at 16 bytes a line; each
/// stream costs an 8 KiB bitset of its last 65,536 numbers, for at most 1,024 streams
/// (8 MiB; lines of further streams are counted in `untrackedLines`); paths and content
/// types are capped at 256 and 64 distinct values, Loki selectors, tenants and metadata
/// names at 256. A Loki push is the exception to streaming: it is held whole (up to
/// `maxBodyBytes`, decoded up to `maxDecompressedBytes`) and parsed into a tree to be
/// checked, a few times its size while its request lasts. See `SequenceTracker` for the
/// window.
///
/// ```swift
/// let sink = try await TestSink.start()
/// sink.behavior = .failing(503, retryAfter: 2, .next(3))
/// … send to 127.0.0.1:\(sink.port) …
/// #expect(sink.stats.sequence.missing == 0)
/// try await sink.stop()
/// ```
public final class TestSink: Sendable {
    /// How a down sink refuses clients.
    public enum DownMode: String, Sendable {
        /// The listening socket is closed: connects fail with ECONNREFUSED.
        case refuse
        /// Still listening, but every connection is reset as soon as it is accepted.
        case reset
    }

    let extractor: SequenceExtractor
    private let group: any EventLoopGroup
    private let host: String
    /// Serves HTTPS with this context (a test's own CA and certificates) when set.
    private let tls: NIOSSLContext?
    private let state: Mutex<SinkState>
    private let server = Mutex(Server())

    private struct Server {
        var listener: (any Channel)?
        var port = 0
        var connections: [ObjectIdentifier: any Channel] = [:]
        var down: DownMode?
        /// Bumped by every down/up/stop, so a stale scheduled come-back does nothing.
        var generation = 0
        var stopped = false
    }

    /// Connections with nothing to say for this long are closed.
    static let idleTimeout = TimeAmount.seconds(60)

    private init(
        host: String, behavior: SinkBehavior, extractor: SequenceExtractor, group: any EventLoopGroup, tls: NIOSSLContext?
    ) {
        self.host = host
        self.tls = tls
        self.extractor = extractor
        self.group = group
        self.state = Mutex(SinkState(behavior: behavior))
    }

    /// Starts listening on `host:port` (port 0: any free port, see `port`).
    public static func start(
        host: String = "127.0.0.1", port: Int = 0, behavior: SinkBehavior = .healthy,
        extractor: SequenceExtractor = .standard, group: (any EventLoopGroup)? = nil, tls: NIOSSLContext? = nil
    ) async throws -> TestSink {
        let sink = TestSink(
            host: host, behavior: behavior, extractor: extractor, group: group ?? MultiThreadedEventLoopGroup.singleton, tls: tls)
        let channel = try await sink.bind(port: port)
        sink.server.withLock {
            $0.listener = channel
            $0.port = channel.localAddress?.port ?? port
        }
        return sink
    }

    /// The port listened on (the same one across down periods).
    public var port: Int { server.withLock { $0.port } }

    /// Stops listening and closes every connection. Idempotent.
    public func stop() async throws {
        let (listener, connections) = server.withLock { server in
            server.stopped = true
            server.generation += 1
            defer {
                server.listener = nil
                server.connections = [:]
            }
            return (server.listener, Array(server.connections.values))
        }
        for connection in connections { connection.close(promise: nil) }
        try? await listener?.close()
    }

    // MARK: Behavior and stats

    /// The current behavior; setting it restarts its `next(N)` / `fraction` count.
    public var behavior: SinkBehavior {
        get { state.withLock { $0.behavior } }
        set { state.withLock { $0.behavior = newValue } }
    }

    public var stats: SinkStats { state.withLock { $0.snapshot } }

    /// Zeroes every counter and forgets every stream (the behavior stays).
    public func clearStats() {
        state.withLock {
            $0.counters = SinkStats()
            $0.trackers = [:]
        }
    }

    // MARK: Down periods

    public var isDown: Bool { server.withLock { $0.down != nil } }

    /// Goes down now: existing connections are reset and new ones refused (or reset, per
    /// `mode`). With a `duration`, comes back by itself on the same port afterwards.
    /// Returns once down: a connect made after this fails.
    public func goDown(for duration: Duration? = nil, mode: DownMode = .refuse) async throws {
        let (listener, connections, generation) = server.withLock { server in
            server.down = mode
            server.generation += 1
            let listener = mode == .refuse ? server.listener : nil
            if mode == .refuse { server.listener = nil }
            return (listener, Array(server.connections.values), server.generation)
        }
        for connection in connections { resetConnection(connection) }
        try? await listener?.close()
        if let duration {
            Task {
                try? await Task.sleep(for: duration)
                try? await self.comeBack(generation: generation)
            }
        }
    }

    /// Ends a down period now (listening again on the same port).
    public func comeBack() async throws {
        try await comeBack(generation: nil)
    }

    private func comeBack(generation: Int?) async throws {
        let plan: (mode: DownMode, port: Int)? = server.withLock { server in
            guard !server.stopped, let mode = server.down, generation == nil || generation == server.generation else { return nil }
            return (mode, server.port)
        }
        guard let plan else { return }
        if plan.mode == .reset {
            server.withLock { $0.down = nil }
            return
        }
        // SO_REUSEADDR makes the same port bindable at once; retry for a while in case the
        // kernel still holds it or, while it was free, another program's socket took it
        // (seen on a loaded CI run: a parallel test's ephemeral port).
        var lastError: (any Error)?
        for _ in 0..<300 {
            do {
                let channel = try await bind(port: plan.port)
                let keep = server.withLock { server -> Bool in
                    guard !server.stopped, server.down != nil, generation == nil || generation == server.generation else { return false }
                    server.listener = channel
                    server.down = nil
                    return true
                }
                if !keep { try? await channel.close() }
                return
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        if let lastError { throw lastError }
    }

    // MARK: Serving

    private func bind(port: Int) async throws -> any Channel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 4)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    if self.admitConnection(channel) {
                        let pipeline = channel.pipeline.syncOperations
                        if let tls = self.tls { try pipeline.addHandler(NIOSSLServerHandler(context: tls)) }
                        try pipeline.addHandler(IdleStateHandler(allTimeout: Self.idleTimeout))
                        try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                        try pipeline.addHandler(SinkHTTPHandler(sink: self))
                    }
                }
            }
            .bind(host: host, port: port)
            .get()
    }

    /// Registers a new connection, or resets it if the sink is down in `reset` mode.
    private func admitConnection(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        let admitted = server.withLock { server -> Bool in
            // In `refuse` mode the listener is closed, so a connection can only come through
            // the listener `comeBack` just bound, before it marks the sink up: admit it.
            guard server.down != .reset, !server.stopped else { return false }
            server.connections[id] = channel
            return true
        }
        guard admitted else {
            resetConnection(channel)
            return false
        }
        channel.closeFuture.whenComplete { [weak self] _ in
            _ = self?.server.withLock { $0.connections.removeValue(forKey: id) }
        }
        return true
    }

    /// Closes `channel` with a TCP reset (SO_LINGER 0): the peer sees ECONNRESET, not EOF.
    func resetConnection(_ channel: any Channel) {
        state.withLock { $0.counters.resets += 1 }
        if let provider = channel as? any SocketOptionProvider {
            provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
        } else {
            channel.close(promise: nil)
        }
    }

    // MARK: Recording (called by the handler)

    struct Admission {
        var fault: SinkBehavior.Fault?
        var delay: Duration
        var maxBody: Int
        var maxDecompressed: Int
    }

    func admit(path: Substring, contentType: String?) -> Admission {
        state.withLock { state in
            state.count(path: path, contentType: contentType)
            let behavior = state.behavior
            return Admission(
                fault: state.nextFault(), delay: behavior.delay,
                maxBody: behavior.maxBodyBytes, maxDecompressed: behavior.maxDecompressedBytes
            )
        }
    }

    func reject(_ status: Int, wireBytes: Int) {
        state.withLock {
            $0.reject(status)
            $0.counters.wireBytes += wireBytes
        }
    }

    func accept(_ scanner: LineScanner, wireBytes: Int, compressed: Bool) {
        state.withLock {
            $0.counters.wireBytes += wireBytes
            $0.accept(lines: scanner.lines, bytes: scanner.bytes, compressed: compressed, batch: scanner.batch)
        }
    }

    func acceptLoki(_ push: LokiPush, tenant: String?, scanner: LineScanner, wireBytes: Int, compressed: Bool) {
        state.withLock {
            $0.counters.wireBytes += wireBytes
            $0.accept(lines: scanner.lines, bytes: scanner.bytes, compressed: compressed, batch: scanner.batch)
            $0.recordLoki(push, tenant: tenant)
        }
    }

    func countWire(_ bytes: Int) {
        state.withLock { $0.counters.wireBytes += bytes }
    }
}
