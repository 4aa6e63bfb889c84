import NIOSSL

/// An exporter's `tls:` settings, mapped to AsyncHTTPClient's per-request TLS configuration
/// (the shared client pools connections by it).
public struct HTTPTLSOptions: Sendable, Hashable {
    /// PEM file of the CAs to trust instead of the system's (as Prometheus and the
    /// Collector read `ca_file`).
    public var caFile: String?
    /// Accept any certificate: for tests and emergencies only, as the name says.
    public var insecureSkipVerify: Bool

    public init(caFile: String? = nil, insecureSkipVerify: Bool = false) {
        self.caFile = caFile
        self.insecureSkipVerify = insecureSkipVerify
    }

    /// Reads the CA file now, so a bad one fails at start, not at the first request.
    func makeConfiguration() throws(HTTPSenderError) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile {
            let certificates: [NIOSSLCertificate]
            do {
                certificates = try NIOSSLCertificate.fromPEMFile(caFile)
            } catch {
                throw .unreadableCAFile(caFile, reason: "\(error)")
            }
            guard !certificates.isEmpty else { throw .unreadableCAFile(caFile, reason: "no PEM certificate in it") }
            configuration.trustRoots = .certificates(certificates)
        }
        if insecureSkipVerify { configuration.certificateVerification = .none }
        return configuration
    }
}
