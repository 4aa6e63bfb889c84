import Agent
import Exporters
import Telemetry
import Testing
import YAML

/// `otlp_http` as a user writes it: where each signal goes, and the mistakes validation names.
@Suite("Config: otlp_http exporter")
struct OTLPHTTPExporterConfigTests {
    let harness = ExporterConfigHarness()

    func load(_ exporter: String) throws(ConfigLoadError) -> OTLPHTTPExporterConfig? {
        try harness.load(exporter) as? OTLPHTTPExporterConfig
    }

    func errors(_ exporter: String) -> [String] {
        harness.errors(exporter)
    }

    /// The per-signal senders the agent would build.
    func senders(_ config: OTLPHTTPExporterConfig) async throws -> [Signal: HTTPSender] {
        let router = try #require(try await ExporterConfigHarness.sender(config) as? SignalRouter)
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

    @Test func signalPathGoesBeforeTheQuery() async throws {
        let config = try #require(try load("""
            type: otlp_http
            endpoint: https://gateway.example/otlp/?tenant=a&region=eu
            """))
        #expect(try await senders(config).mapValues(\.configuration.endpoint) == [
            .logs: "https://gateway.example/otlp/v1/logs?tenant=a&region=eu",
            .metrics: "https://gateway.example/otlp/v1/metrics?tenant=a&region=eu",
            .traces: "https://gateway.example/otlp/v1/traces?tenant=a&region=eu",
        ])
        #expect(OTLPEndpoint.url(base: "http://collector:4318#frag", signal: .logs) == "http://collector:4318/v1/logs#frag")
        #expect(OTLPEndpoint.url(base: "http://collector:4318?a=/x/", signal: .traces) == "http://collector:4318/v1/traces?a=/x/")
        #expect(errors("type: otlp_http\nendpoint: http://collector:4318/v1/logs#top\n").first?.contains("logs_endpoint") == true)
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
