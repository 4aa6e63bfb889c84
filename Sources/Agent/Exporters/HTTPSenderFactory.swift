import Exporters

/// An `HTTPSender` on the agent's shared client, from an exporter's HTTP keys.
enum HTTPSenderFactory {
    static func make(
        _ settings: HTTPClientSettings, encoder: any BatchEncoder,
        classifier: any ResponseClassifier = DefaultResponseClassifier(), context: ComponentContext
    ) throws -> any ExportSender {
        let configuration = HTTPSenderConfiguration(
            endpoint: settings.endpoint, headers: settings.headers,
            compression: settings.compression == .gzip ? .gzip : .none, timeout: settings.timeout.duration,
            bearerTokenFile: settings.auth?.bearerTokenFile, headerFiles: settings.headersFromFiles,
            tls: settings.tls?.options,
            userAgent: "outrider/\(BuildInfo.version)")
        return try HTTPSender(
            clients: { context.http.client(dnsOverride: $0) }, configuration: configuration, encoder: encoder, classifier: classifier, logger: context.logger,
            wallClock: context.clock)
    }
}
