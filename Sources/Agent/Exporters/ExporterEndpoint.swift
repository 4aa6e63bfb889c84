import Exporters

/// Checks on an exporter's `endpoint` beyond "an http(s) URL".
enum ExporterEndpoint {
    /// Exporters whose `endpoint` is the full URL POSTed to: a bare `http://host:port`
    /// would answer 404 to every batch, so it is refused at start with the URL expected.
    static func requirePath(_ endpoint: String, example: String) -> [ConfigProblem] {
        let parts = endpoint.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        // "http:", "", "host:port", "path…"; anything else HTTPClientSettings reports.
        guard parts.count >= 3, parts[0].hasSuffix(":"), parts[1].isEmpty, !parts[2].isEmpty else { return [] }
        let path = parts.count == 4 ? parts[3].prefix { $0 != "?" && $0 != "#" } : ""
        guard path.isEmpty else { return [] }
        return [ConfigProblem("is the full URL requests are POSTed to, with its path (e.g. \(example)), got \"\(EndpointAuthority.redacting(endpoint))\"", at: "endpoint")]
    }
}
