/// The families of one collection, all taken at `timestamp`.
public struct MetricBatch: Sendable, Hashable {
    public var families: [MetricFamily]
    public var timestamp: Timestamp

    public init(families: [MetricFamily], timestamp: Timestamp) {
        self.families = families
        self.timestamp = timestamp
    }
}
