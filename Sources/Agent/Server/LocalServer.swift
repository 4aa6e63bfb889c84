import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The local HTTP listener (/healthz /readyz /status /metrics) on plain SwiftNIO.
///
/// It is the first service of the agent's group, so on SIGTERM it is the last to stop:
/// probes and scrapes keep being answered while the other components drain.
public final class LocalServer: Service, Sendable {
    /// Connections with nothing to say for this long are closed.
    static let idleTimeout = TimeAmount.seconds(60)

    private let settings: ServerSettings
    private let routes: LocalRoutes
    private let group: any EventLoopGroup
    private let logger: Logger
    private let bound = Mutex<SocketAddress?>(nil)

    init(settings: ServerSettings, routes: LocalRoutes, group: any EventLoopGroup, logger: Logger) {
        self.settings = settings
        self.routes = routes
        self.group = group
        self.logger = logger
    }

    /// The address actually bound (useful with port 0), once listening.
    public var localAddress: SocketAddress? { bound.withLock { $0 } }

    public func run() async throws {
        let routes = self.routes
        let maxBody = settings.maxRequestBody.bytes
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 4)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(IdleStateHandler(allTimeout: Self.idleTimeout))
                    // Responses are built here from fixed header names and values, so NIO's
                    // per-response header validation is work without a purpose.
                    try pipeline.configureHTTPServerPipeline(withErrorHandling: false, withOutboundHeaderValidation: false)
                    try pipeline.addHandler(ProtocolErrorHandler())
                    try pipeline.addHandler(LocalHTTPHandler(routes: routes, maxBody: maxBody))
                }
            }
            .bind(host: settings.listen.host, port: settings.listen.port)
            .get()
        let address = channel.localAddress
        bound.withLock { $0 = address }
        logger.info("local server listening", metadata: [
            "address": "\(address.map(Self.render) ?? settings.listen.description)",
            "endpoints": "\(settings.paths.all.map(\.path).joined(separator: " "))",
        ])
        // Closes on graceful shutdown, and on cancellation too: waiting on a future does not
        // observe cancellation by itself, and a stuck server would stall the whole exit.
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await channel.closeFuture.get()
            } onGracefulShutdown: {
                channel.close(promise: nil)
            }
        } onCancel: {
            channel.close(promise: nil)
        }
        logger.info("local server stopped")
    }

    /// `127.0.0.1:8686` / `[::1]:8686`, the form tests and people read back.
    static func render(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return address.description }
        if case .v6 = address { return "[\(ip)]:\(port)" }
        return "\(ip):\(port)"
    }
}
