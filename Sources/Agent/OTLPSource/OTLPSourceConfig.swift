import NIOCore
import Receivers
import ServiceLifecycle
import Telemetry
import YAML

/// `type: otlp` — the OTLP/HTTP receiver the service's OpenTelemetry SDK sends its spans,
/// logs and metrics to (`POST /v1/traces`, `/v1/logs`, `/v1/metrics`; protobuf or JSON,
/// gzip or not). A signal no pipeline takes from it is answered 404.
public struct OTLPSourceConfig: SourceConfig {
    public static let typeName = "otlp"
    public static let signals: Set<Signal> = [.logs, .metrics, .traces]

    /// Loopback by default: the SDK runs in the same pod, and nothing else should reach it.
    public static let defaultListen = HostPort(host: "127.0.0.1", port: 4318)

    public var listen = OTLPSourceConfig.defaultListen
    /// The largest request body, as sent and once inflated (413 beyond it).
    public var maxBodyBytes = ByteSize(bytes: 8 << 20)
    /// What a 503 for a full `block` buffer tells the SDK to wait before retrying.
    public var retryAfter = ConfigDuration(.seconds(1))
    /// Keep-alive connections idle this long are closed.
    public var idleTimeout = ConfigDuration(.seconds(60))
    /// Connections open at once; more are closed on arrival and counted. With
    /// `max_body_bytes` it bounds what the receiver holds in memory.
    public var maxConnections = 256

    enum CodingKeys: String, CodingKey {
        case listen
        case maxBodyBytes = "max_body_bytes"
        case retryAfter = "retry_after"
        case idleTimeout = "idle_timeout"
        case maxConnections = "max_connections"
    }

    public init() {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        listen = try container.decodeIfPresent(HostPort.self, forKey: .listen) ?? listen
        maxBodyBytes = try container.decodeIfPresent(ByteSize.self, forKey: .maxBodyBytes) ?? maxBodyBytes
        retryAfter = try container.decodeIfPresent(ConfigDuration.self, forKey: .retryAfter) ?? retryAfter
        idleTimeout = try container.decodeIfPresent(ConfigDuration.self, forKey: .idleTimeout) ?? idleTimeout
        maxConnections = try container.decodeIfPresent(Int.self, forKey: .maxConnections) ?? maxConnections
    }

    public func validate() -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        // The receiver binds without resolving names (a lookup at start can hang or pick
        // another interface than meant): an IP address, or localhost.
        if listen.host != "localhost", (try? SocketAddress(ipAddress: listen.host, port: listen.port)) == nil {
            problems.append(ConfigProblem(
                "must be an IP address to listen on, like 127.0.0.1:4318, 0.0.0.0:4318 or [::1]:4318, got \"\(listen)\"", at: "listen"))
        }
        if !((1 << 10)...(1 << 30)).contains(maxBodyBytes.bytes) {
            problems.append(ConfigProblem("must be between 1KiB and 1GiB", at: "max_body_bytes"))
        }
        if !(Duration.seconds(1)...Duration.seconds(3600)).contains(retryAfter.duration) {
            problems.append(ConfigProblem("must be between 1s and 1h (Retry-After is in whole seconds)", at: "retry_after"))
        }
        if idleTimeout.duration < .seconds(1) {
            problems.append(ConfigProblem("must be at least 1s", at: "idle_timeout"))
        }
        if !(1...65536).contains(maxConnections) {
            problems.append(ConfigProblem("must be between 1 and 65536", at: "max_connections"))
        }
        return problems
    }

    var receiverSettings: OTLPReceiverSettings {
        OTLPReceiverSettings(
            host: listen.host, port: listen.port, maxBodyBytes: maxBodyBytes.bytes, retryAfter: retryAfter.duration,
            idleTimeout: idleTimeout.duration, maxConnections: maxConnections)
    }

    public func makeService(_ context: ComponentContext) throws -> any Service {
        OTLPSource(settings: receiverSettings, context: context)
    }
}
