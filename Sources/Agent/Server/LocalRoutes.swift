import NIOHTTP1

/// A complete response of the local server; the endpoints are small enough to build whole.
struct LocalResponse: Sendable {
    var status: HTTPResponseStatus
    var contentType: String
    var body: [UInt8]
    var extraHeaders: [(String, String)] = []

    static func json(_ status: HTTPResponseStatus, _ value: some Encodable) -> LocalResponse {
        LocalResponse(status: status, contentType: "application/json", body: StatusDocument.encode(value))
    }

    static func text(_ status: HTTPResponseStatus, _ text: String, headers: [(String, String)] = []) -> LocalResponse {
        LocalResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array((text + "\n").utf8), extraHeaders: headers)
    }
}

/// The local endpoints: what the kubelet probes and Prometheus scrapes. Pure request →
/// response, so it is tested without sockets; `LocalHTTPHandler` does the I/O.
struct LocalRoutes: Sendable {
    static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

    let health: HealthRegistry
    let metrics: SelfMetrics
    let config: ConfigState

    func respond(method: HTTPMethod, uri: String) -> LocalResponse {
        let path = uri.firstIndex(of: "?").map { String(uri[..<$0]) } ?? uri
        let paths = config.config.server.paths
        let route: () -> LocalResponse
        switch path {
        case paths.healthz: route = liveness
        case paths.readyz: route = readiness
        case paths.status: route = { .json(.ok, StatusDocument(health: health, config: config, pipelines: metrics.pipelines)) }
        case paths.metrics: route = { LocalResponse(status: .ok, contentType: Self.metricsContentType, body: metrics.exposition()) }
        default:
            return .text(.notFound, "404 not found: \(path) (endpoints: \(paths.all.map(\.path).joined(separator: " ")))")
        }
        guard method == .GET || method == .HEAD else {
            return .text(.methodNotAllowed, "405 method not allowed: \(method) (use GET)", headers: [("Allow", "GET, HEAD")])
        }
        return route()
    }

    private func liveness() -> LocalResponse {
        let (alive, failed) = health.liveness()
        let body = LivenessDocument(
            status: alive ? "ok" : "failed",
            failed: failed.map { .init(component: $0.name, kind: $0.kind, error: $0.lastError?.message) })
        return .json(alive ? .ok : .serviceUnavailable, body)
    }

    private func readiness() -> LocalResponse {
        let (ready, reasons) = health.readiness()
        return .json(ready ? .ok : .serviceUnavailable, ReadinessDocument(status: ready ? "ready" : "not_ready", reasons: reasons))
    }
}
