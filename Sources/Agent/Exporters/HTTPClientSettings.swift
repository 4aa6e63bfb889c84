import YAML

/// The keys every HTTP exporter shares (`endpoint`, `compression`, `timeout`, `headers`,
/// `auth`, `tls`), read from the exporter's mapping next to its own keys.
public struct HTTPClientSettings: Decodable, Sendable, Equatable {
    public enum Compression: String, ConfigEnum { case none, gzip }

    public struct Auth: Decodable, Sendable, Equatable {
        /// Re-read when it changes, so a rotated Kubernetes token is picked up.
        public var bearerTokenFile: String?

        enum CodingKeys: String, CodingKey { case bearerTokenFile = "bearer_token_file" }
    }

    public struct TLS: Decodable, Sendable, Equatable {
        public var caFile: String?
        public var insecureSkipVerify = false

        enum CodingKeys: String, CodingKey {
            case caFile = "ca_file"
            case insecureSkipVerify = "insecure_skip_verify"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            caFile = try container.decodeIfPresent(String.self, forKey: .caFile)
            insecureSkipVerify = try container.decodeIfPresent(Bool.self, forKey: .insecureSkipVerify) ?? false
        }
    }

    public var endpoint: String
    public var compression = Compression.none
    public var timeout = ConfigDuration(.seconds(10))
    public var headers: [String: String] = [:]
    public var auth: Auth?
    public var tls: TLS?

    enum CodingKeys: String, CodingKey { case endpoint, compression, timeout, headers, auth, tls }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        endpoint = try container.decode(String.self, forKey: .endpoint)
        compression = try container.decodeIfPresent(Compression.self, forKey: .compression) ?? compression
        timeout = try container.decodeIfPresent(ConfigDuration.self, forKey: .timeout) ?? timeout
        headers = try container.decodeIfPresent([String: String].self, forKey: .headers) ?? [:]
        auth = try container.decodeIfPresent(Auth.self, forKey: .auth)
        tls = try container.decodeIfPresent(TLS.self, forKey: .tls)
    }

    /// Header names a config must not set: the exporter owns them.
    static let reservedHeaders: Set<String> = ["content-length", "content-encoding", "content-type", "host", "transfer-encoding"]

    public func validate() -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        let lowered = endpoint.lowercased()
        if !(lowered.hasPrefix("http://") || lowered.hasPrefix("https://")) || endpoint.count <= "http://".count {
            problems.append(ConfigProblem("expected an http:// or https:// URL, got \"\(endpoint)\"", at: "endpoint"))
        }
        if timeout.nanoseconds <= 0 { problems.append(ConfigProblem("must be more than 0s", at: "timeout")) }
        for name in headers.keys.sorted() {
            if Self.reservedHeaders.contains(name.lowercased()) {
                problems.append(ConfigProblem("\"\(name)\" is set by the exporter itself", at: "headers", name))
            } else if name.isEmpty || name.utf8.contains(where: { $0 <= 32 || $0 == UInt8(ascii: ":") || $0 >= 127 }) {
                problems.append(ConfigProblem("\"\(name)\" is not a valid header name", at: "headers", name))
            }
        }
        if let value = headers.values.first(where: { $0.utf8.contains(where: { $0 == 10 || $0 == 13 }) }) {
            problems.append(ConfigProblem("header values must not contain line breaks (\"\(value.prefix(20))…\")", at: "headers"))
        }
        if let file = auth?.bearerTokenFile, !file.hasPrefix("/") {
            problems.append(ConfigProblem("must be an absolute path, got \"\(file)\"", at: "auth", "bearer_token_file"))
        }
        if let file = tls?.caFile, !file.hasPrefix("/") {
            problems.append(ConfigProblem("must be an absolute path, got \"\(file)\"", at: "tls", "ca_file"))
        }
        return problems
    }
}
