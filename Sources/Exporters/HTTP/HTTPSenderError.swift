/// Why an `HTTPSender` cannot be built: reported at start, with the setting to fix.
public enum HTTPSenderError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidEndpoint(String, reason: String)
    case unreadableTLSFile(setting: String, path: String, reason: String)
    case incompleteClientCertificate

    public var description: String {
        switch self {
        case .invalidEndpoint(let endpoint, let reason): "endpoint \"\(endpoint)\" is not usable: \(reason)"
        case .unreadableTLSFile(let setting, let path, let reason): "\(setting) \(path): \(reason)"
        case .incompleteClientCertificate: "tls.cert_file and tls.key_file go together: set both for mutual TLS, or neither"
        }
    }
}
