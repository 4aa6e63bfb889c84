import Telemetry

/// How a `loki` exporter names its streams and what it attaches to each entry.
///
/// Loki indexes streams by their labels, so labels must stay few and of low cardinality
/// (service, namespace, pod, container, level); anything per request (a trace id, a
/// correlation id) belongs in structured metadata, which is stored with the entry and not
/// indexed.
public struct LokiOptions: Sendable, Hashable {
    /// Where a stream label takes its value from.
    public enum LabelSource: Sendable, Hashable, CustomStringConvertible {
        /// A resource attribute (`service.name`, `k8s.pod.name`): the same for a whole batch.
        case resource(String)
        /// A log record's attribute (`log.file.path`).
        case attribute(String)
        /// The record's severity as Loki's level words: `trace`, `debug`, `info`, `warn`,
        /// `error`, `fatal`, or `unknown` when the producer gave none.
        case severity

        public var description: String {
            switch self {
            case .resource(let key): "resource.\(key)"
            case .attribute(let key): "attributes.\(key)"
            case .severity: "severity"
            }
        }
    }

    /// Labels of the Kubernetes log pipelines people know (Promtail's, Alloy's), from the
    /// resource the `service:` section and the Downward API fill.
    public static let defaultLabels: [String: LabelSource] = [
        "service_name": .resource("service.name"),
        "namespace": .resource("k8s.namespace.name"),
        "pod": .resource("k8s.pod.name"),
        "container": .resource("k8s.container.name"),
        "level": .severity,
    ]

    /// A stream needs at least one label; one whose sources all came up empty gets this,
    /// Loki's own name for an unnamed service.
    public static let fallbackLabel = (name: "service_name", value: "unknown_service")

    /// Label name → source. Names must be valid label names (`[a-zA-Z_][a-zA-Z0-9_]*`);
    /// the encoder sanitizes any that are not.
    public var labels: [String: LabelSource]
    /// Attribute keys (of the record, else of the resource) sent as structured metadata
    /// under their sanitized names, next to `trace_id` and `span_id` (see `traceContext`).
    public var structuredMetadata: [String]
    /// Sends a record's `trace_id` and `span_id` as structured metadata. Off for Loki 2.x,
    /// or Loki 3 with a schema older than v13, which answer 400 to any push carrying
    /// structured metadata: with it off and no `structuredMetadata`, entries are
    /// `[time, line]` only.
    public var traceContext: Bool

    public init(
        labels: [String: LabelSource] = LokiOptions.defaultLabels, structuredMetadata: [String] = [], traceContext: Bool = true
    ) {
        self.labels = labels
        self.structuredMetadata = structuredMetadata
        self.traceContext = traceContext
    }
}
