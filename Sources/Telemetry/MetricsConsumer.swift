/// Where a metrics source delivers what it collected: the entry of the metrics pipelines
/// that name the source. Delivery is in batches (one collection's families at a time), and
/// `consume` may suspend: that is how a full buffer slows the source down (back-pressure).
public protocol MetricsConsumer: Sendable {
    func consume(_ batch: MetricBatch) async throws
}

/// The families of one collection, all taken at `timestamp`.
public struct MetricBatch: Sendable, Hashable {
    public var families: [MetricFamily]
    public var timestamp: Timestamp

    public init(families: [MetricFamily], timestamp: Timestamp) {
        self.families = families
        self.timestamp = timestamp
    }
}
