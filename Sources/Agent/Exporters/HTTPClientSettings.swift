import Exporters
import YAML

/// The keys every HTTP exporter shares (`endpoint`, `compression`, `timeout`, `headers`,
/// `headers_from_files`, `auth`, `tls`), read from the exporter's mapping next to its own
/// keys. Secret values (tokens, header files' contents, keys) are only ever read from
/// files, at request time, and never logged or shown on /status.
public struct HTTPClientSettings: Decodable, Sendable, Equatable {
    public enum Compression: String, ConfigEnum { case none, gzip }

    public struct Auth: Decodable, Sendable, Equatable {
        /// Re-read when it changes, so a rotated Kubernetes token is picked up.
        public var bearerTokenFile: String?

        enum CodingKeys: String, CodingKey { case bearerTokenFile = "bearer_token_file" }
    }

    public struct TLS: Decodable, Sendable, Equatable {
        public var caFile: String?
        /// Client certificate and key for mutual TLS.
        public var certFile: String?
        public var keyFile: String?
        /// Checked against the server's certificate instead of the endpoint's host.
        public var serverName: String?
        public var insecureSkipVerify = false

        enum CodingKeys: String, CodingKey {
            case caFile = "ca_file"
            case certFile = "cert_file"
            case keyFile = "key_file"
            case serverName = "server_name"
            case insecureSkipVerify = "insecure_skip_verify"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            caFile = try container.decodeIfPresent(String.self, forKey: .caFile)
            certFile = try container.decodeIfPresent(String.self, forKey: .certFile)
            keyFile = try container.decodeIfPresent(String.self, forKey: .keyFile)
            serverName = try container.decodeIfPresent(String.self, forKey: .serverName)
            insecureSkipVerify = try container.decodeIfPresent(Bool.self, forKey: .insecureSkipVerify) ?? false
        }

        var options: HTTPTLSOptions {
            HTTPTLSOptions(
                caFile: caFile, certFile: certFile, keyFile: keyFile, serverName: serverName, insecureSkipVerify: insecureSkipVerify)
        }
    }

    public var endpoint: String
    public var compression = Compression.none
    public var timeout = ConfigDuration(.seconds(10))
    public var headers: [String: String] = [:]
    /// Header name → file holding its value, re-read when the file changes.
    public var headersFromFiles: [String: String] = [:]
    public var auth: Auth?
    public var tls: TLS?

    enum CodingKeys: String, CodingKey {
        case endpoint, compression, timeout, headers, auth, tls
        case headersFromFiles = "headers_from_files"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        endpoint = try container.decode(String.self, forKey: .endpoint)
        compression = try container.decodeIfPresent(Compression.self, forKey: .compression) ?? compression
        timeout = try container.decodeIfPresent(ConfigDuration.self, forKey: .timeout) ?? timeout
        headers = try container.decodeIfPresent([String: String].self, forKey: .headers) ?? [:]
        headersFromFiles = try container.decodeIfPresent([String: String].self, forKey: .headersFromFiles) ?? [:]
        auth = try container.decodeIfPresent(Auth.self, forKey: .auth)
        tls = try container.decodeIfPresent(TLS.self, forKey: .tls)
    }

    /// Header names a config must not set: the exporter owns them.
    static let reservedHeaders: Set<String> = ["content-length", "content-encoding", "content-type", "host", "transfer-encoding"]

    public func validate() -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        let lowered = endpoint.lowercased()
        if !(lowered.hasPrefix("http://") || lowered.hasPrefix("https://")) || endpoint.count <= "http://".count {
            problems.append(ConfigProblem("expected an http:// or https:// URL, got \"\(EndpointAuthority.redacting(endpoint))\"", at: "endpoint"))
        }
        problems += Self.refuseUserInfo(endpoint, at: "endpoint")
        if timeout.nanoseconds <= 0 { problems.append(ConfigProblem("must be more than 0s", at: "timeout")) }
        for (key, names) in [("headers", headers.keys.sorted()), ("headers_from_files", headersFromFiles.keys.sorted())] {
            for name in names {
                if Self.reservedHeaders.contains(name.lowercased()) {
                    problems.append(ConfigProblem("\"\(name)\" is set by the exporter itself", at: key, name))
                } else if name.isEmpty || name.utf8.contains(where: { $0 <= 32 || $0 == UInt8(ascii: ":") || $0 >= 127 }) {
                    problems.append(ConfigProblem("\"\(name)\" is not a valid header name", at: key, name))
                }
            }
        }
        for name in headersFromFiles.keys.sorted() {
            if headers.keys.contains(where: { $0.lowercased() == name.lowercased() }) {
                problems.append(ConfigProblem("\"\(name)\" is also set in headers: set it in one place", at: "headers_from_files", name))
            }
            if let file = headersFromFiles[name], !file.hasPrefix("/") {
                problems.append(ConfigProblem("must be an absolute path, got \"\(file)\"", at: "headers_from_files", name))
            }
        }
        if headersFromFiles.keys.contains(where: { $0.lowercased() == "authorization" }) && auth?.bearerTokenFile != nil {
            problems.append(ConfigProblem("Authorization comes from auth.bearer_token_file already", at: "headers_from_files"))
        }
        // The value is not quoted: it may be a credential.
        for name in headers.keys.sorted() where headers[name]!.utf8.contains(where: { $0 == 10 || $0 == 13 }) {
            problems.append(ConfigProblem("header values must not contain line breaks", at: "headers", name))
        }
        if let file = auth?.bearerTokenFile, !file.hasPrefix("/") {
            problems.append(ConfigProblem("must be an absolute path, got \"\(file)\"", at: "auth", "bearer_token_file"))
        }
        for (key, file) in [("ca_file", tls?.caFile), ("cert_file", tls?.certFile), ("key_file", tls?.keyFile)] {
            if let file, !file.hasPrefix("/") {
                problems.append(ConfigProblem("must be an absolute path, got \"\(file)\"", at: "tls", key))
            }
        }
        if (tls?.certFile == nil) != (tls?.keyFile == nil) {
            problems.append(ConfigProblem(
                "cert_file and key_file go together (mutual TLS): set both or neither", at: "tls", tls?.certFile == nil ? "cert_file" : "key_file"))
        }
        if let serverName = tls?.serverName, serverName.isEmpty || serverName.contains(where: { $0 == "/" || $0 == ":" || $0 == " " }) {
            problems.append(ConfigProblem("expected a host name, got \"\(serverName)\"", at: "tls", "server_name"))
        }
        if tls != nil && lowered.hasPrefix("http://") {
            problems.append(ConfigProblem("tls settings need an https:// endpoint, got \"\(EndpointAuthority.redacting(endpoint))\"", at: "tls"))
        }
        return problems
    }

    /// Credentials in a URL are never sent (the HTTP client does not turn user info into a
    /// header) and would show wherever the URL is shown: refused, with where they belong.
    static func refuseUserInfo(_ url: String, at path: String...) -> [ConfigProblem] {
        guard EndpointAuthority.hasUserInfo(url) else { return [] }
        return [ConfigProblem(
            "credentials in the URL (\"\(EndpointAuthority.redacting(url))\") are not sent; put them in auth.bearer_token_file or headers_from_files (e.g. Authorization: Basic …)",
            at: path)]
    }
}
