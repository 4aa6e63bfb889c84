import YAML

/// `server:` — the local listener for the kubelet's probes and Prometheus' scrapes.
public struct ServerSettings: Decodable, Sendable, Hashable {
    /// Where each endpoint is served; change them if the pod's conventions differ.
    public struct Paths: Decodable, Sendable, Hashable {
        public var healthz = "/healthz"
        public var readyz = "/readyz"
        public var status = "/status"
        public var metrics = "/metrics"

        public init() {}

        private enum CodingKeys: String, CodingKey { case healthz, readyz, status, metrics }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            healthz = try container.decodeIfPresent(String.self, forKey: .healthz) ?? healthz
            readyz = try container.decodeIfPresent(String.self, forKey: .readyz) ?? readyz
            status = try container.decodeIfPresent(String.self, forKey: .status) ?? status
            metrics = try container.decodeIfPresent(String.self, forKey: .metrics) ?? metrics
        }

        var all: [(key: String, path: String)] {
            [("healthz", healthz), ("readyz", readyz), ("status", status), ("metrics", metrics)]
        }
    }

    public static let defaultListen = HostPort(host: "0.0.0.0", port: 8686)

    public var listen: HostPort = ServerSettings.defaultListen
    /// How long SIGTERM waits for components to drain before cancelling them. Kubernetes'
    /// default grace period is 30s; 25s leaves room for the process to exit on its own.
    public var shutdownTimeout = ConfigDuration(.seconds(25))
    /// Requests with a larger body are answered 413; the endpoints take no body anyway.
    public var maxRequestBody = ByteSize(bytes: 64 * 1024)
    public var paths = Paths()

    public init() {}

    private enum CodingKeys: String, CodingKey {
        case listen, paths
        case shutdownTimeout = "shutdown_timeout"
        case maxRequestBody = "max_request_body"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        listen = try container.decodeIfPresent(HostPort.self, forKey: .listen) ?? listen
        shutdownTimeout = try container.decodeIfPresent(ConfigDuration.self, forKey: .shutdownTimeout) ?? shutdownTimeout
        maxRequestBody = try container.decodeIfPresent(ByteSize.self, forKey: .maxRequestBody) ?? maxRequestBody
        paths = try container.decodeIfPresent(Paths.self, forKey: .paths) ?? paths
    }

    public func validate() -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        if shutdownTimeout.nanoseconds <= 0 {
            problems.append(ConfigProblem("must be greater than 0s", at: "shutdown_timeout"))
        }
        var seen: [String: String] = [:]
        for (key, path) in paths.all {
            if !path.hasPrefix("/") {
                problems.append(ConfigProblem("must start with \"/\", got \"\(path)\"", at: "paths", key))
            } else if let other = seen[path] {
                problems.append(ConfigProblem("\"\(path)\" is already used by paths.\(other)", at: "paths", key))
            }
            seen[path] = seen[path] ?? key
        }
        return problems
    }
}
