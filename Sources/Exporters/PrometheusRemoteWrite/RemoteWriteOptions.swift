/// What a `prometheus_remote_write` exporter adds to each series beyond the sample's own
/// labels, and whether it sends metric metadata.
public struct RemoteWriteOptions: Sendable, Hashable {
    /// Resource attribute → label name. The default gives host metrics the labels a
    /// Prometheus scrape in Kubernetes would (`job`, `instance`, `namespace`, `pod`,
    /// `container`), so existing dashboards select them the same way.
    public static let defaultResourceLabels: [String: String] = [
        "service.name": "job",
        "service.instance.id": "instance",
        "k8s.namespace.name": "namespace",
        "k8s.pod.name": "pod",
        "k8s.container.name": "container",
    ]

    /// Label name → value added to every series that lacks that label, as Prometheus'
    /// `global.external_labels` (typically `cluster`, `region`).
    public var externalLabels: [String: String]
    /// Attribute key → label name, taken from each batch's resource.
    public var resourceLabels: [String: String]
    /// Sends TYPE, HELP and unit of each family in the request's `metadata`, as Prometheus
    /// does (`metadata_config.send`).
    public var sendMetadata: Bool

    public init(
        externalLabels: [String: String] = [:], resourceLabels: [String: String] = RemoteWriteOptions.defaultResourceLabels,
        sendMetadata: Bool = true
    ) {
        self.externalLabels = externalLabels
        self.resourceLabels = resourceLabels
        self.sendMetadata = sendMetadata
    }
}
