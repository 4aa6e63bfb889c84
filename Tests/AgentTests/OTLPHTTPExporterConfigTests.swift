import Agent
import Exporters
import Logging
import Telemetry
import Testing
import YAML

/// `otlp_http` as a user writes it: where each signal goes, and the mistakes validation names.
@Suite("Config: otlp_http exporter")
struct OTLPHTTPExporterConfigTests {
    let loader = ConfigLoader(catalog: .standard, environment: EnvironmentSubstitution([:]))

    func load(_ exporter: String) throws(ConfigLoadError) -> OTLPHTTPExporterConfig? {
        let document = """
            exporters:
              out:
            \(exporter.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            """
        return try loader.load(bytes: Array(document.utf8), file: "outrider.yaml").config.exporters[0].config as? OTLPHTTPExporterConfig
    }

    /// The messages without their positions (the loader's tests cover those), sorted.
    func errors(_ exporter: String) -> [String] {
        do {
            _ = try load(exporter)
            return []
        } catch {
            guard case .invalid(let errors) = error else { return ["unexpected: \(error)"] }
            return errors.errors.map { String($0.description.split(separator: " ", maxSplits: 1)[1]) }.sorted()
        }
    }

    /// The per-signal senders the agent would build.
    func senders(_ config: OTLPHTTPExporterConfig) async throws -> [Signal: HTTPSender] {
        let http = SharedHTTPClient()
        let context = ComponentContext(
            name: "out", kind: .exporter, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
            health: HealthRegistry().register(name: "out", kind: "exporter", gatesReadiness: false), clock: .system,
            metrics: SelfMetrics(), http: http)
        let sender = try config.makeSender(context)
        try await http.shutdown()
        let router = try #require(sender as? SignalRouter)
        return router.senders.compactMapValues { $0 as? HTTPSender }
    }

    @Test func defaultsAndOneEndpointPerSignal() async throws {
        let config = try #require(try load("""
            type: otlp_http
            endpoint: http://otel-collector.observability:4318/
            compression: gzip
            headers: {X-Tenant: platform}
            """))
        #expect(config.encoding == .protobuf)
        #expect(config.delivery.concurrency == 2)
        let senders = try await senders(config)
        #expect(senders.mapValues(\.configuration.endpoint) == [
            .logs: "http://otel-collector.observability:4318/v1/logs",
            .metrics: "http://otel-collector.observability:4318/v1/metrics",
            .traces: "http://otel-collector.observability:4318/v1/traces",
        ])
        #expect(senders.values.allSatisfy { $0.configuration.compression == .gzip && $0.configuration.headers == ["X-Tenant": "platform"] })
    }

    @Test func perSignalEndpointsAreUsedAsTheyAre() async throws {
        let config = try #require(try load("""
            type: otlp_http
            endpoint: https://gateway.example/otlp
            encoding: json
            traces_endpoint: https://tempo.example:4318/v1/traces
            metrics_endpoint: https://mimir.example/otlp/v1/metrics?tenant=a
            """))
        #expect(config.encoding == .json)
        #expect(try await senders(config).mapValues(\.configuration.endpoint) == [
            .logs: "https://gateway.example/otlp/v1/logs",
            .metrics: "https://mimir.example/otlp/v1/metrics?tenant=a",
            .traces: "https://tempo.example:4318/v1/traces",
        ])
    }

    @Test func mistakesAreNamed() {
        #expect(errors("""
            type: otlp_http
            endpoint: http://collector:4318/v1/traces
            encoding: xml
            logs_endpoint: collector:4318/v1/logs
            metrics_endpoint: "https://"
            """) == [
            #"exporters.out.encoding: expected one of protobuf, json, got "xml""#,
        ])
        #expect(errors("""
            type: otlp_http
            endpoint: http://collector:4318/v1/traces
            logs_endpoint: collector:4318/v1/logs
            metrics_endpoint: "https://"
            """) == [
            #"exporters.out.endpoint: is the base URL, /v1/logs, /v1/metrics and /v1/traces are appended to it; for one signal's full URL use traces_endpoint (got "http://collector:4318/v1/traces")"#,
            #"exporters.out.logs_endpoint: expected an http:// or https:// URL, got "collector:4318/v1/logs""#,
            #"exporters.out.metrics_endpoint: expected an http:// or https:// URL, got "https://""#,
        ])
        #expect(errors("type: otlp_http\ntraces_endpoint: http://tempo:4318/v1/traces\n").first?.contains("endpoint") == true)
    }
}
