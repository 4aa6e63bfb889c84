/// Why an `HTTPSender` cannot be built: reported at start, with the setting to fix.
public enum HTTPSenderError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidEndpoint(String, reason: String)
    case unreadableTLSFile(setting: String, path: String, reason: String)
    case incompleteClientCertificate
    /// The files read, but do not make a TLS setup (e.g. the key is not the certificate's).
    case unusableTLSConfiguration(reason: String)
    /// `tls.server_name` needs a client whose DNS override maps it to the endpoint's host.
    case serverNameNeedsClient(String)

    public var description: String {
        switch self {
        case .invalidEndpoint(let endpoint, let reason): "endpoint \"\(endpoint)\" is not usable: \(reason)"
        case .unreadableTLSFile(let setting, let path, let reason): "\(setting) \(path): \(reason)"
        case .incompleteClientCertificate: "tls.cert_file and tls.key_file go together: set both for mutual TLS, or neither"
        case .unusableTLSConfiguration(let reason):
            "tls.cert_file and tls.key_file do not make a usable client certificate (is the key the certificate's?): \(reason)"
        case .serverNameNeedsClient(let name):
            "tls.server_name \(name): the HTTP client must map it to the endpoint's host (HTTPSender.dnsOverride(for:))"
        }
    }
}
