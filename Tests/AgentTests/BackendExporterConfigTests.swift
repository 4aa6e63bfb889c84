import Agent
import Exporters
import Telemetry
import Testing
import YAML

/// `prometheus_remote_write` and `loki` as a user writes them: defaults, what the sender is
/// built with, and the mistakes validation names.
@Suite("Config: prometheus_remote_write and loki exporters")
struct BackendExporterConfigTests {
    let harness = ExporterConfigHarness()

    func load(_ exporter: String, signal: String) throws(ConfigLoadError) -> any ExporterConfig {
        try harness.load(exporter, signal: signal) as! any ExporterConfig
    }

    func errors(_ exporter: String, signal: String) -> [String] {
        harness.errors(exporter, signal: signal)
    }

    func sender(_ config: any ExporterConfig) async throws -> HTTPSender {
        try #require(try await ExporterConfigHarness.sender(config) as? HTTPSender)
    }

    @Test func remoteWriteDefaultsAndWhatItSends() async throws {
        let config = try #require(try load("""
            type: prometheus_remote_write
            endpoint: http://prometheus:9090/api/v1/write
            external_labels: {cluster: eu-1}
            headers: {X-Scope-OrgID: tenant-1}
            """, signal: "metrics") as? PrometheusRemoteWriteExporterConfig)
        #expect(config.options == RemoteWriteOptions(externalLabels: ["cluster": "eu-1"]))
        #expect(config.options.resourceLabels["service.name"] == "job")
        #expect(config.delivery.concurrency == 1, "in-order delivery unless asked otherwise")
        let remoteWrite = try await sender(config)
        #expect(remoteWrite.configuration.headers == [
            "Content-Encoding": "snappy", "X-Prometheus-Remote-Write-Version": "0.1.0", "X-Scope-OrgID": "tenant-1",
        ])
        #expect(remoteWrite.configuration.compression == .none)

        let tuned = try #require(try load("""
            type: prometheus_remote_write
            endpoint: https://vm:8428/api/v1/write
            resource_labels: {service.name: service}
            send_metadata: false
            concurrency: 4
            """, signal: "metrics") as? PrometheusRemoteWriteExporterConfig)
        #expect(tuned.options == RemoteWriteOptions(resourceLabels: ["service.name": "service"], sendMetadata: false))
        #expect(tuned.delivery.concurrency == 4)
    }

    @Test func remoteWriteMistakesAreNamed() {
        #expect(errors("""
            type: prometheus_remote_write
            endpoint: http://prometheus:9090
            compression: gzip
            headers: {x-prometheus-remote-write-version: "2.0"}
            external_labels: {cluster.name: a, __tenant: b, region: "", le: "0.5", __name__: up}
            resource_labels: {service.name: job, service.namespace: job, k8s.pod.name: le, "": x}
            """, signal: "metrics") == [
            #"exporters.out.compression: remote_write bodies are always snappy-compressed (the protocol requires it): remove compression: gzip"#,
            #"exporters.out.endpoint: is the full URL requests are POSTed to, with its path (e.g. http://prometheus:9090/api/v1/write), got "http://prometheus:9090""#,
            #"exporters.out.external_labels.__name__: "__name__" starts with __, which is reserved for the backend's own labels"#,
            #"exporters.out.external_labels.__tenant: "__tenant" starts with __, which is reserved for the backend's own labels"#,
            #"exporters.out.external_labels.le: "le" is set by the exporter itself"#,
            #"exporters.out.external_labels.cluster.name: "cluster.name" is not a valid label name: letters, digits and _, not starting with a digit (e.g. "cluster_name")"#,
            #"exporters.out.external_labels.region: must not be empty (an empty value means no label)"#,
            #"exporters.out.headers.x-prometheus-remote-write-version: "x-prometheus-remote-write-version" is set by the exporter itself"#,
            #"exporters.out.resource_labels.k8s.pod.name: "le" is set by the exporter itself"#,
            #"exporters.out.resource_labels.service.namespace: label "job" is already taken from "service.name""#,
            #"exporters.out.resource_labels: attribute names must not be empty"#,
        ].sorted())
        #expect(errors("type: prometheus_remote_write\nendpoint: http://p:9090/api/v1/write\n", signal: "logs").first?
            .contains("does not carry logs") == true)
    }

    @Test func lokiDefaultsAndWhatItSends() async throws {
        let config = try #require(try load("""
            type: loki
            endpoint: http://loki:3100/loki/api/v1/push
            tenant_id: team-a
            structured_metadata: [correlation_id]
            compression: gzip
            """, signal: "logs") as? LokiExporterConfig)
        #expect(config.options == LokiOptions(structuredMetadata: ["correlation_id"]))
        #expect(config.options.traceContext, "trace and span ids are sent unless turned off")
        #expect(config.delivery.concurrency == 2)
        let loki = try await sender(config)
        #expect(loki.configuration.headers == ["X-Scope-OrgID": "team-a"])
        #expect(loki.configuration.compression == .gzip)

        let custom = try #require(try load("""
            type: loki
            endpoint: http://loki:3100/loki/api/v1/push
            labels: {app: resource.service.name, file: attributes.log.file.path, level: severity}
            """, signal: "logs") as? LokiExporterConfig)
        #expect(custom.options.labels == [
            "app": .resource("service.name"), "file": .attribute("log.file.path"), "level": .severity,
        ])
        #expect(try await sender(custom).configuration.headers.isEmpty)

        // Loki 2.x refuses structured metadata: the ids can be turned off.
        let loki2 = try #require(try load("""
            type: loki
            endpoint: http://loki:3100/loki/api/v1/push
            trace_context: false
            """, signal: "logs") as? LokiExporterConfig)
        #expect(loki2.options == LokiOptions(traceContext: false))
    }

    @Test func lokiMistakesAreNamed() {
        #expect(errors("""
            type: loki
            endpoint: http://loki:3100/
            tenant_id: ""
            headers: {X-Scope-OrgID: other}
            labels: {service.name: resource.service.name, level: severity_text, __path: attributes.path, job: resource.}
            structured_metadata: [trace_id, user.id, user_id, ""]
            """, signal: "logs") == [
            #"exporters.out.endpoint: is the full URL requests are POSTed to, with its path (e.g. http://loki:3100/loki/api/v1/push), got "http://loki:3100/""#,
            #"exporters.out.labels.__path: "__path" starts with __, which is reserved for the backend's own labels"#,
            #"exporters.out.labels.job: expected severity, resource.<attribute> or attributes.<attribute>, got "resource.""#,
            #"exporters.out.labels.level: expected severity, resource.<attribute> or attributes.<attribute>, got "severity_text""#,
            #"exporters.out.labels.service.name: "service.name" is not a valid label name: letters, digits and _, not starting with a digit (e.g. "service_name")"#,
            #"exporters.out.structured_metadata[0]: trace_id comes from the record's trace context (trace_context); remove it"#,
            #"exporters.out.structured_metadata[2]: "user_id" and "user.id" would both be sent as user_id"#,
            #"exporters.out.structured_metadata[3]: attribute names must not be empty"#,
            #"exporters.out.tenant_id: must be a non-empty tenant name without control characters"#,
            #"exporters.out.tenant_id: set either tenant_id or headers.X-Scope-OrgID, not both"#,
        ].sorted())
        #expect(errors("type: loki\nendpoint: http://l:3100/loki/api/v1/push\nlabels: {}\n", signal: "logs") == [
            "exporters.out.labels: needs at least one label: Loki refuses a stream without labels",
        ])
        #expect(errors("type: loki\nendpoint: http://l:3100/loki/api/v1/push\n", signal: "metrics").first?
            .contains("does not carry metrics") == true)
    }
}
