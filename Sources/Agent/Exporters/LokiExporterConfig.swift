import Exporters
import Telemetry
import YAML

/// `type: loki` — logs to Grafana Loki's push API, JSON.
///
/// ```yaml
/// exporters:
///   loki:
///     type: loki
///     endpoint: http://loki.monitoring:3100/loki/api/v1/push   # the full push URL
///     tenant_id: team-a                        # X-Scope-OrgID; omit for single-tenant Loki
///     labels:                                  # replaces the default set entirely
///       service_name: resource.service.name
///       namespace: resource.k8s.namespace.name
///       level: severity
///       file: attributes.log.file.path
///     structured_metadata: [correlation_id]    # attributes sent with each entry, not indexed
///     trace_context: true                      # trace_id and span_id as structured metadata
///     compression: gzip
/// ```
///
/// `endpoint` is the whole URL, path included (`/loki/api/v1/push`), so that gateways
/// serving Loki under another prefix work. Each label names its source:
/// `resource.<attribute>`, `attributes.<attribute>` (the record's) or `severity`. Labels
/// must stay low-cardinality (Loki indexes every distinct set as a stream); per-request
/// values belong in `structured_metadata`.
///
/// `trace_context` (default `true`) sends each record's `trace_id` and `span_id` as
/// structured metadata, so Grafana links a log line to its trace. Set it to `false` for
/// Loki 2.x, or Loki 3 with a schema older than v13 (`allow_structured_metadata: false`):
/// those answer 400 to every push that carries structured metadata, and every traced line
/// would be dropped. With it off and no `structured_metadata`, entries carry none.
public struct LokiExporterConfig: ExporterConfig {
    public static let typeName = "loki"
    public static let signals: Set<Signal> = [.logs]

    /// Loki's default `max_label_names_per_series`.
    static let maxLabels = 15
    static let tenantHeader = "X-Scope-OrgID"

    public var http: HTTPClientSettings
    /// Label name → source, as written in the config.
    public var labels: [String: String]
    public var structuredMetadata: [String] = []
    /// Sends `trace_id` and `span_id` as structured metadata.
    public var traceContext = true
    public var tenantID: String?
    public var delivery: DeliverySettings

    enum CodingKeys: String, CodingKey {
        case labels
        case structuredMetadata = "structured_metadata"
        case traceContext = "trace_context"
        case tenantID = "tenant_id"
    }

    public init(from decoder: any Decoder) throws {
        http = try HTTPClientSettings(from: decoder)
        delivery = try DeliverySettings(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels)
            ?? LokiOptions.defaultLabels.mapValues(\.description)
        structuredMetadata = try container.decodeIfPresent([String].self, forKey: .structuredMetadata) ?? []
        traceContext = try container.decodeIfPresent(Bool.self, forKey: .traceContext) ?? traceContext
        tenantID = try container.decodeIfPresent(String.self, forKey: .tenantID)
    }

    /// `severity`, `resource.<key>` or `attributes.<key>`; nil for anything else.
    static func source(_ text: String) -> LokiOptions.LabelSource? {
        if text == "severity" { return .severity }
        for (prefix, make) in [("resource.", LokiOptions.LabelSource.resource), ("attributes.", LokiOptions.LabelSource.attribute)]
        where text.hasPrefix(prefix) && text.count > prefix.count {
            return make(String(text.dropFirst(prefix.count)))
        }
        return nil
    }

    public var options: LokiOptions {
        LokiOptions(labels: labels.compactMapValues(Self.source), structuredMetadata: structuredMetadata, traceContext: traceContext)
    }

    public func validate() -> [ConfigProblem] {
        var problems = http.validate() + delivery.validate()
        problems += ExporterEndpoint.requirePath(http.endpoint, example: "http://loki:3100/loki/api/v1/push")
        if labels.isEmpty {
            problems.append(ConfigProblem("needs at least one label: Loki refuses a stream without labels", at: "labels"))
        } else if labels.count > Self.maxLabels {
            problems.append(ConfigProblem("\(labels.count) labels; Loki refuses streams with more than \(Self.maxLabels) by default", at: "labels"))
        }
        for name in labels.keys.sorted() {
            let spec = labels[name]!
            if let problem = LabelNameRule.problem(name) {
                problems.append(ConfigProblem(problem, at: "labels", name))
            } else if Self.source(spec) == nil {
                problems.append(ConfigProblem(
                    "expected severity, resource.<attribute> or attributes.<attribute>, got \"\(spec)\"", at: "labels", name))
            }
        }
        var names: [String: String] = [:]
        for (index, key) in structuredMetadata.enumerated() {
            let name = PrometheusName.label(key)
            if key.isEmpty {
                problems.append(ConfigProblem("attribute names must not be empty", at: "structured_metadata", "[\(index)]"))
            } else if name == "trace_id" || name == "span_id" {
                problems.append(ConfigProblem(
                    "\(name) comes from the record's trace context (trace_context); remove it", at: "structured_metadata", "[\(index)]"))
            } else if name.hasPrefix("__") {
                problems.append(ConfigProblem("\"\(key)\" would be sent as \(name), which is reserved", at: "structured_metadata", "[\(index)]"))
            } else if let other = names[name] {
                problems.append(ConfigProblem(
                    "\"\(key)\" and \"\(other)\" would both be sent as \(name)", at: "structured_metadata", "[\(index)]"))
            } else {
                names[name] = key
            }
        }
        if let tenantID {
            if tenantID.isEmpty || tenantID.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
                problems.append(ConfigProblem("must be a non-empty tenant name without control characters", at: "tenant_id"))
            }
            if http.headers.keys.contains(where: { $0.lowercased() == Self.tenantHeader.lowercased() }) {
                problems.append(ConfigProblem("set either tenant_id or headers.\(Self.tenantHeader), not both", at: "tenant_id"))
            }
        }
        return problems
    }

    public func makeSender(_ context: ComponentContext) throws -> any ExportSender {
        var settings = http
        if let tenantID { settings.headers[Self.tenantHeader] = tenantID }
        return try HTTPSenderFactory.make(settings, encoder: LokiPushEncoder(options: options), context: context)
    }
}
