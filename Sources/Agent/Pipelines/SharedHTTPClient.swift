import AsyncHTTPClient
import Exporters
import NIOPosix
import Synchronization

/// The one HTTP client (and connection pool) all HTTP exporters share, created when the
/// first exporter asks for it and shut down after every exporter has stopped.
public final class SharedHTTPClient: Sendable {
    private let client = Mutex<HTTPClient?>(nil)

    public init() {}

    public var instance: HTTPClient {
        client.withLock { client in
            if let client { return client }
            let created = HTTPClient(
                eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton), configuration: HTTPClientDefaults.configuration())
            client = created
            return created
        }
    }

    public func shutdown() async throws {
        guard let client = client.withLock({ $0.take() }) else { return }
        try await client.shutdown()
    }
}
