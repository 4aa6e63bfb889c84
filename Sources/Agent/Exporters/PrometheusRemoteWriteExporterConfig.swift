import Exporters
import Telemetry
import YAML

/// `type: prometheus_remote_write` — metrics to Prometheus (`--web.enable-remote-write-receiver`),
/// VictoriaMetrics, Mimir, Thanos Receive or any remote_write 1.0 receiver.
///
/// ```yaml
/// exporters:
///   prometheus:
///     type: prometheus_remote_write
///     endpoint: http://prometheus.monitoring:9090/api/v1/write   # the full write URL
///     external_labels: {cluster: prod-eu-1}
///     resource_labels: {service.name: job, k8s.pod.name: pod}    # replaces the default map
///     send_metadata: true
/// ```
///
/// Bodies are always snappy-compressed protobuf, as the protocol requires; `compression:`
/// may only be `none`. `concurrency` defaults to 1 here, not 2: receivers refuse a sample
/// older than its series' newest (400, dropped), and two requests in flight can arrive in
/// the wrong order.
public struct PrometheusRemoteWriteExporterConfig: ExporterConfig {
    public static let typeName = "prometheus_remote_write"
    public static let signals: Set<Signal> = [.metrics]

    public var http: HTTPClientSettings
    /// Label name → value for every series without that label (Prometheus' external_labels).
    public var externalLabels: [String: String] = [:]
    /// Resource attribute → label name; see `RemoteWriteOptions.defaultResourceLabels`.
    public var resourceLabels = RemoteWriteOptions.defaultResourceLabels
    public var sendMetadata = true
    public var delivery: DeliverySettings

    enum CodingKeys: String, CodingKey {
        case externalLabels = "external_labels"
        case resourceLabels = "resource_labels"
        case sendMetadata = "send_metadata"
    }

    private enum DeliveryKeys: String, CodingKey { case concurrency }

    public init(from decoder: any Decoder) throws {
        http = try HTTPClientSettings(from: decoder)
        delivery = try DeliverySettings(from: decoder)
        if try !decoder.container(keyedBy: DeliveryKeys.self).contains(.concurrency) { delivery.concurrency = 1 }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        externalLabels = try container.decodeIfPresent([String: String].self, forKey: .externalLabels) ?? [:]
        resourceLabels = try container.decodeIfPresent([String: String].self, forKey: .resourceLabels) ?? resourceLabels
        sendMetadata = try container.decodeIfPresent(Bool.self, forKey: .sendMetadata) ?? sendMetadata
    }

    public var options: RemoteWriteOptions {
        RemoteWriteOptions(externalLabels: externalLabels, resourceLabels: resourceLabels, sendMetadata: sendMetadata)
    }

    public func validate() -> [ConfigProblem] {
        var problems = http.validate() + delivery.validate()
        if http.compression != .none {
            problems.append(ConfigProblem(
                "remote_write bodies are always snappy-compressed (the protocol requires it): remove compression: \(http.compression.rawValue)",
                at: "compression"))
        }
        problems += ExporterEndpoint.requirePath(http.endpoint, example: "http://prometheus:9090/api/v1/write")
        for name in http.headers.keys.sorted() where name.lowercased() == "x-prometheus-remote-write-version" {
            problems.append(ConfigProblem("\"\(name)\" is set by the exporter itself", at: "headers", name))
        }
        for name in externalLabels.keys.sorted() {
            // `le` would collide with a histogram's buckets (the exporter sets it per series).
            if let problem = LabelNameRule.problem(name, reserved: ["le"]) {
                problems.append(ConfigProblem(problem, at: "external_labels", name))
            } else if externalLabels[name]!.isEmpty {
                problems.append(ConfigProblem("must not be empty (an empty value means no label)", at: "external_labels", name))
            }
        }
        var targets: [String: String] = [:]
        for key in resourceLabels.keys.sorted() {
            let label = resourceLabels[key]!
            if key.isEmpty {
                problems.append(ConfigProblem("attribute names must not be empty", at: "resource_labels"))
            } else if let problem = LabelNameRule.problem(label, reserved: ["le"]) {
                problems.append(ConfigProblem(problem, at: "resource_labels", key))
            } else if let other = targets[label] {
                problems.append(ConfigProblem("label \"\(label)\" is already taken from \"\(other)\"", at: "resource_labels", key))
            } else {
                targets[label] = key
            }
        }
        return problems
    }

    public func makeSender(_ context: ComponentContext) throws -> any ExportSender {
        var settings = http
        for (name, value) in PrometheusRemoteWriteEncoder.requestHeaders { settings.headers[name] = value }
        return try HTTPSenderFactory.make(
            settings, encoder: PrometheusRemoteWriteEncoder(options: options), classifier: RemoteWriteResponseClassifier(),
            context: context)
    }
}
