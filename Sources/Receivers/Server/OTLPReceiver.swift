import NIOCore
import NIOHTTP1
import NIOPosix
import Pipeline
import Synchronization
import Telemetry

/// The OTLP/HTTP receiver: `POST /v1/traces`, `/v1/logs`, `/v1/metrics` on plain SwiftNIO,
/// answering as an OpenTelemetry Collector does — 200 with the Export*ServiceResponse,
/// 400 with a Status saying what is wrong, 413, 415, and 503 with Retry-After when a
/// `block` buffer is full, in which case nothing of the request was taken.
public final class OTLPReceiver: Sendable {
    public let settings: OTLPReceiverSettings
    public let stats: ReceiverStats
    private let output: SourceOutput
    private let clock: WallClock
    private let group: any EventLoopGroup
    private let state = Mutex(Listener())

    private struct Listener {
        var channel: (any Channel)?
        var address: SocketAddress?
        var connections: [ObjectIdentifier: any Channel] = [:]
        var stopping = false
    }

    public init(
        settings: OTLPReceiverSettings, output: SourceOutput, stats: ReceiverStats = ReceiverStats(), clock: WallClock = .system,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.settings = settings
        self.output = output
        self.stats = stats
        self.clock = clock
        self.group = group
    }

    /// The address bound (the real port when `settings.port` is 0), once started.
    public var localAddress: SocketAddress? { state.withLock { $0.address } }

    /// Connections open now (kept-alive ones included).
    public var openConnections: Int { state.withLock { $0.connections.count } }

    /// Binds and starts accepting; returns the address bound.
    @discardableResult
    public func start() async throws(OTLPReceiverError) -> SocketAddress {
        let (output, settings, stats, clock) = (self.output, self.settings, self.stats, self.clock)
        let idle = TimeAmount.nanoseconds(Int64(settings.idleTimeout.components.seconds) * 1_000_000_000
            + settings.idleTimeout.components.attoseconds / 1_000_000_000)
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.maxMessagesPerRead, value: 4)
                .childChannelInitializer { [self] channel in
                    channel.eventLoop.makeCompletedFuture {
                        guard admit(channel) else { return }
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(IdleStateHandler(allTimeout: idle))
                        // Answers 400 and closes on bytes that are not HTTP/1.1; the server lives on.
                        try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                        try pipeline.addHandler(OTLPRequestHandler(output: output, settings: settings, stats: stats, clock: clock))
                    }
                }
                .bind(host: settings.host, port: settings.port)
                .get()
        } catch {
            throw OTLPReceiverError(address: Self.render(host: settings.host, port: settings.port), reason: "\(error)")
        }
        guard let address = channel.localAddress else {
            try? await channel.close()
            throw OTLPReceiverError(address: Self.render(host: settings.host, port: settings.port), reason: "no local address after bind")
        }
        state.withLock {
            $0.channel = channel
            $0.address = address
        }
        return address
    }

    /// Stops accepting, lets each request in flight finish and be answered (with
    /// `Connection: close`), closes idle connections at once, and cuts whatever is still open
    /// after `shutdownGrace`. Idempotent.
    public func stop() async {
        let (listener, connections) = state.withLock { state in
            state.stopping = true
            defer {
                state.channel = nil
                state.connections = [:]
            }
            return (state.channel, Array(state.connections.values))
        }
        try? await listener?.close()
        guard !connections.isEmpty else { return }
        for connection in connections {
            connection.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
        let loop = group.next()
        let grace = settings.shutdownGrace.components
        let deadline = loop.scheduleTask(in: .nanoseconds(grace.seconds * 1_000_000_000 + grace.attoseconds / 1_000_000_000)) {
            for connection in connections { connection.close(promise: nil) }
        }
        try? await EventLoopFuture.andAllComplete(connections.map(\.closeFuture), on: loop).get()
        deadline.cancel()
    }

    /// Tracks `channel` until it closes, so `stop` can reach it; refuses it once stopping, or
    /// when `maxConnections` are open (counted: a client that opens connections without end
    /// meets a closed socket, not an agent out of memory).
    private func admit(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        let admitted = state.withLock { state -> Bool in
            guard !state.stopping else { return false }
            guard state.connections.count < settings.maxConnections else {
                stats.connectionRefused()
                return false
            }
            state.connections[id] = channel
            return true
        }
        guard admitted else {
            channel.close(promise: nil)
            return false
        }
        channel.closeFuture.whenComplete { [weak self] _ in
            _ = self?.state.withLock { $0.connections.removeValue(forKey: id) }
        }
        return true
    }

    /// `127.0.0.1:4318` / `[::1]:4318`, the form people read back.
    public static func render(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return address.description }
        return render(host: ip, port: port)
    }

    static func render(host: String, port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// The receiver could not listen: the address is taken, not local, or not an address.
public struct OTLPReceiverError: Error, Sendable, Hashable, CustomStringConvertible {
    public var address: String
    public var reason: String

    public var description: String { "cannot listen on \(address): \(reason)" }
}
