import NIOSSL

/// An exporter's `tls:` settings, mapped to AsyncHTTPClient's per-request TLS configuration
/// (the shared client pools connections by it). Verification is on unless
/// `insecureSkipVerify` says otherwise, explicitly.
public struct HTTPTLSOptions: Sendable, Hashable {
    /// PEM file of the CAs to trust instead of the system's (as Prometheus and the
    /// Collector read `ca_file`).
    public var caFile: String?
    /// PEM client certificate (chain) and its private key, for mutual TLS: both or neither.
    public var certFile: String?
    public var keyFile: String?
    /// The name the server's certificate is checked against (and sent as SNI) instead of
    /// the endpoint's host: for endpoints addressed by IP or by an internal alias.
    public var serverName: String?
    /// Accept any certificate: for tests and emergencies only, as the name says.
    public var insecureSkipVerify: Bool

    public init(
        caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil, serverName: String? = nil,
        insecureSkipVerify: Bool = false
    ) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.serverName = serverName
        self.insecureSkipVerify = insecureSkipVerify
    }

    /// Reads the CA, certificate and key files now, so a bad one fails at start, not at
    /// the first request. Errors name the setting and the file, never the key's content.
    func makeConfiguration() throws(HTTPSenderError) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile {
            configuration.trustRoots = .certificates(try Self.certificates(caFile, setting: "tls.ca_file"))
        }
        switch (certFile, keyFile) {
        case (let certFile?, let keyFile?):
            configuration.certificateChain = try Self.certificates(certFile, setting: "tls.cert_file").map { .certificate($0) }
            do {
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
            } catch {
                throw .unreadableTLSFile(setting: "tls.key_file", path: keyFile, reason: "not a readable PEM private key (\(error))")
            }
        case (nil, nil):
            break
        case (.some, nil), (nil, .some):
            throw .incompleteClientCertificate
        }
        if insecureSkipVerify { configuration.certificateVerification = .none }
        // Built once here only to check the files belong together (a key that is not the
        // certificate's): otherwise that shows at the first request, retried forever.
        do {
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw .unusableTLSConfiguration(reason: "\(error)")
        }
        return configuration
    }

    private static func certificates(_ path: String, setting: String) throws(HTTPSenderError) -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw .unreadableTLSFile(setting: setting, path: path, reason: "\(error)")
        }
        guard !certificates.isEmpty else { throw .unreadableTLSFile(setting: setting, path: path, reason: "no PEM certificate in it") }
        return certificates
    }
}
