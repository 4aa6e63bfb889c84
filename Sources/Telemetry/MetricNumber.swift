/// A counter's or gauge's value as its producer gave it. OTLP's number points are either
/// `as_double` or `as_int`, and an int64 beyond 2^53 has no exact `Double`: a point that
/// came as an integer stays one, so it leaves the agent with the digits it arrived with.
///
/// One enum rather than a `Double` plus an optional exact integer: there is then a single
/// source of truth, nothing to keep in sync when a processor rewrites a value, and the
/// sample grows by one tag byte. Consumers that speak float64 (Prometheus text,
/// remote_write) read `doubleValue`; encoders that can say integers switch on the case.
public enum MetricNumber: Sendable, Hashable {
    case double(Double)
    case int(Int64)

    /// The value as float64, what Prometheus-style backends store: an integer beyond 2^53
    /// rounds to the nearest representable double.
    @inlinable
    public var doubleValue: Double {
        switch self {
        case .double(let value): value
        case .int(let value): Double(value)
        }
    }
}
