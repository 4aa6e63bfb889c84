/// Why an `HTTPSender` cannot be built: reported at start, with the setting to fix.
public enum HTTPSenderError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidEndpoint(String, reason: String)
    case unreadableCAFile(String, reason: String)

    public var description: String {
        switch self {
        case .invalidEndpoint(let endpoint, let reason): "endpoint \"\(endpoint)\" is not usable: \(reason)"
        case .unreadableCAFile(let path, let reason): "tls.ca_file \(path): \(reason)"
        }
    }
}
