import AsyncHTTPClient
import Exporters
import NIOPosix
import Synchronization

/// The HTTP clients (and connection pools) HTTP exporters share: one for every exporter,
/// plus one per distinct DNS override (`tls.server_name`), each created when first asked
/// for and all shut down after every exporter has stopped — also when the agent fails to
/// start after some were created.
public final class SharedHTTPClient: Sendable {
    private let clients = Mutex<[[String: String]: HTTPClient]>([:])

    public init() {}

    /// The client every exporter without a DNS override uses.
    public var instance: HTTPClient { client(dnsOverride: [:]) }

    /// The client for `dnsOverride` (host name → host connected to instead).
    public func client(dnsOverride: [String: String]) -> HTTPClient {
        clients.withLock { clients in
            if let client = clients[dnsOverride] { return client }
            var configuration = HTTPClientDefaults.configuration()
            configuration.dnsOverride = dnsOverride
            let created = HTTPClient(eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton), configuration: configuration)
            clients[dnsOverride] = created
            return created
        }
    }

    /// For a start that failed after exporters were built: nothing was sent yet, so the
    /// clients stop at once (from synchronous code, never on an event loop).
    public func shutdownUnused() {
        let all = clients.withLock { clients in
            defer { clients = [:] }
            return Array(clients.values)
        }
        for client in all { try? client.syncShutdown() }
    }

    public func shutdown() async throws {
        let all = clients.withLock { clients in
            defer { clients = [:] }
            return Array(clients.values)
        }
        var firstError: (any Error)?
        for client in all {
            do {
                try await client.shutdown()
            } catch {
                firstError = firstError ?? error
            }
        }
        if let firstError { throw firstError }
    }
}
