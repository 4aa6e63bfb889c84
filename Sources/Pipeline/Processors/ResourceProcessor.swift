import Telemetry

/// The `resource` processor: stamps every batch's resource with the configured attributes
/// and with what the Kubernetes Downward API put in the environment (pod, namespace, node,
/// container, …), named per the OpenTelemetry semantic conventions.
///
/// Keys the data already carries win unless `override` is set: an SDK that knows its own
/// `k8s.pod.name` (or a `service.name` the app chose) is more specific than the sidecar.
/// Everything is resolved once at init; a batch costs one lookup per attribute.
public struct ResourceProcessor: Processor {
    /// Downward API variable → semantic-convention attribute. The manifests set the plain
    /// names; the `K8S_`-prefixed spelling is what many charts use, so both are read (the
    /// plain name first). Empty values are skipped: the Downward API yields "" for a field
    /// that is not set yet (an IP before the sandbox exists).
    public static let downwardAPI: [(attribute: String, variables: [String])] = [
        ("k8s.namespace.name", ["POD_NAMESPACE", "K8S_NAMESPACE_NAME", "K8S_NAMESPACE"]),
        ("k8s.pod.name", ["POD_NAME", "K8S_POD_NAME"]),
        ("k8s.pod.uid", ["POD_UID", "K8S_POD_UID"]),
        ("k8s.pod.ip", ["POD_IP", "K8S_POD_IP"]),
        ("k8s.node.name", ["NODE_NAME", "K8S_NODE_NAME"]),
        ("k8s.container.name", ["CONTAINER_NAME", "K8S_CONTAINER_NAME"]),
        ("k8s.deployment.name", ["K8S_DEPLOYMENT_NAME", "DEPLOYMENT_NAME"]),
    ]

    public let name: String
    /// What is stamped on each batch, in order: the Downward API attributes, then the
    /// configured ones (sorted by key, so the output does not depend on dictionary order).
    public let attributes: Attributes
    public let override: Bool

    /// - Parameters:
    ///   - name: the processor's name in the config (`processors: {k8s: …}` → "k8s").
    ///   - attributes: `attributes:` from the config, key → value. An explicit key beats the
    ///     same key from the environment.
    ///   - environment: the process environment (`ProcessInfo.processInfo.environment` in
    ///     the agent; a literal in tests). Only the Downward API variables above are read.
    ///   - override: `override:` (default false) — replace keys the batch already has.
    public init(name: String, attributes: [String: String] = [:], environment: [String: String] = [:], override: Bool = false) {
        var resolved = Attributes()
        for entry in Self.downwardAPI {
            guard let value = entry.variables.lazy.compactMap({ environment[$0] }).first(where: { !$0.isEmpty }) else { continue }
            resolved[entry.attribute] = .string(value)
        }
        for (key, value) in attributes.sorted(by: { $0.key < $1.key }) {
            resolved[key] = .string(value)
        }
        self.name = name
        self.attributes = resolved
        self.override = override
    }

    public func process(_ batch: inout TelemetryBatch) {
        if override {
            for (key, value) in attributes.pairs { batch.resource.attributes[key] = value }
        } else {
            for (key, value) in attributes.pairs { batch.resource.attributes.setIfAbsent(key, value) }
        }
    }
}
