import Exporters
import Telemetry
import YAML

/// `type: otlp_http` — logs, metrics and spans to an OpenTelemetry Collector (or any
/// OTLP/HTTP receiver), protobuf by default.
///
/// ```yaml
/// exporters:
///   collector:
///     type: otlp_http
///     endpoint: http://otel-collector.observability:4318   # /v1/logs, /v1/metrics, /v1/traces appended
///     encoding: protobuf                                    # protobuf | json
///     traces_endpoint: https://tempo:4318/v1/traces         # optional, used as is
///     compression: gzip
/// ```
///
/// Keys as the Collector's `otlphttp` exporter names them: `endpoint` is the base URL and
/// each signal's path is appended to it; `logs_endpoint`, `metrics_endpoint` and
/// `traces_endpoint` replace that for one signal with a full URL. The shared HTTP keys
/// (headers, auth, tls, timeout, compression) apply to every signal.
public struct OTLPHTTPExporterConfig: ExporterConfig {
    public static let typeName = "otlp_http"
    public static let signals: Set<Signal> = [.logs, .metrics, .traces]

    public var http: HTTPClientSettings
    public var encoding = OTLPEncoding.protobuf
    public var logsEndpoint: String?
    public var metricsEndpoint: String?
    public var tracesEndpoint: String?
    public var delivery: DeliverySettings

    enum CodingKeys: String, CodingKey {
        case encoding
        case logsEndpoint = "logs_endpoint"
        case metricsEndpoint = "metrics_endpoint"
        case tracesEndpoint = "traces_endpoint"
    }

    public init(from decoder: any Decoder) throws {
        http = try HTTPClientSettings(from: decoder)
        delivery = try DeliverySettings(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        encoding = try container.decodeIfPresent(OTLPEncoding.self, forKey: .encoding) ?? encoding
        logsEndpoint = try container.decodeIfPresent(String.self, forKey: .logsEndpoint)
        metricsEndpoint = try container.decodeIfPresent(String.self, forKey: .metricsEndpoint)
        tracesEndpoint = try container.decodeIfPresent(String.self, forKey: .tracesEndpoint)
    }

    /// The URL `signal` is POSTed to.
    public func endpoint(for signal: Signal) -> String {
        override(for: signal).value ?? OTLPEndpoint.url(base: http.endpoint, signal: signal)
    }

    private func override(for signal: Signal) -> (key: String, value: String?) {
        switch signal {
        case .logs: (CodingKeys.logsEndpoint.rawValue, logsEndpoint)
        case .metrics: (CodingKeys.metricsEndpoint.rawValue, metricsEndpoint)
        case .traces: (CodingKeys.tracesEndpoint.rawValue, tracesEndpoint)
        }
    }

    public func validate() -> [ConfigProblem] {
        var problems = http.validate() + delivery.validate()
        let base = OTLPEndpoint.splitQuery(http.endpoint).path
        for signal in Signal.allCases where base.lowercased().hasSuffix(OTLPEndpoint.path(signal)) {
            problems.append(ConfigProblem(
                "is the base URL, /v1/logs, /v1/metrics and /v1/traces are appended to it; for one signal's full URL use \(override(for: signal).key) (got \"\(EndpointAuthority.redacting(http.endpoint))\")",
                at: "endpoint"))
        }
        for signal in Signal.allCases {
            let (key, value) = override(for: signal)
            guard let value else { continue }
            let lowered = value.lowercased()
            let scheme = lowered.hasPrefix("http://") ? "http://" : lowered.hasPrefix("https://") ? "https://" : nil
            if scheme == nil || value.count <= scheme!.count {
                problems.append(ConfigProblem("expected an http:// or https:// URL, got \"\(EndpointAuthority.redacting(value))\"", at: key))
            }
            problems += HTTPClientSettings.refuseUserInfo(value, at: key)
        }
        return problems
    }

    public func makeSender(_ context: ComponentContext) throws -> any ExportSender {
        var senders: [Signal: any ExportSender] = [:]
        for signal in Signal.allCases {
            var settings = http
            settings.endpoint = endpoint(for: signal)
            senders[signal] = try HTTPSenderFactory.make(
                settings, encoder: encoding.encoder(for: signal),
                classifier: OTLPResponseClassifier(signal: signal, encoding: encoding, logger: context.logger), context: context)
        }
        return SignalRouter(senders)
    }
}

/// `encoding:` takes the exporter's own names (protobuf, json), so the config reads them
/// straight into the type the encoders are chosen by.
extension OTLPEncoding: ConfigEnum {}
