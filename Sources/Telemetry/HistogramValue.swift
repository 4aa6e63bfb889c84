/// One histogram point with explicit bucket bounds, as OTLP carries it: `counts[i]` events
/// fell into bucket i, bounded above by `bounds[i]` (inclusive) and below by `bounds[i-1]`
/// (exclusive); the last count is the overflow bucket above the highest bound. Counts are
/// per bucket, not cumulative; Prometheus' cumulative `le` buckets are derived from them.
public struct HistogramValue: Sendable, Hashable {
    /// Upper bounds, strictly increasing, finite.
    public var bounds: [Double]
    /// `bounds.count + 1` counts, or none when the producer sent none (OTLP allows it:
    /// `count` and `sum` still hold, only the distribution is unknown).
    public var counts: [UInt64]
    public var sum: Double
    public var count: UInt64
    public var min: Double?
    public var max: Double?

    public init(bounds: [Double], counts: [UInt64], sum: Double, count: UInt64, min: Double? = nil, max: Double? = nil) {
        self.bounds = bounds
        self.counts = counts
        self.sum = sum
        self.count = count
        self.min = min
        self.max = max
    }

    /// Counts and bounds agree (`counts` has one entry more than `bounds`, or none), the
    /// bounds increase, and the counts add up to `count`: what an encoder checks before it
    /// derives cumulative buckets.
    public var isConsistent: Bool {
        guard counts.isEmpty || counts.count == bounds.count + 1 else { return false }
        for index in bounds.indices.dropFirst() where !(bounds[index - 1] < bounds[index]) { return false }
        if counts.isEmpty { return true }
        var total: UInt64 = 0
        for value in counts {
            let (next, overflow) = total.addingReportingOverflow(value)
            if overflow { return false }
            total = next
        }
        return total == count
    }

    /// Prometheus' classic series for this point: one `_bucket` per bound plus `le="+Inf"`,
    /// each the cumulative count up to its bound, then `_sum` and `_count`. `le` values are
    /// formatted as Prometheus' Go client does (`0.005`, `1`, `+Inf`).
    ///
    /// Without counts (OTLP allows a point to leave `bucket_counts` empty) only `+Inf` is
    /// written: zeros for the bounds would claim every observation lay above the highest
    /// one, and `histogram_quantile` would answer that bound; with `+Inf` alone it answers
    /// NaN, which is all that is known.
    public func forEachClassicSeries(_ body: (_ suffix: ClassicSuffix, _ le: String?, _ value: Double) -> Void) {
        if !counts.isEmpty {
            var cumulative: UInt64 = 0
            for index in bounds.indices {
                if index < counts.count { cumulative &+= counts[index] }
                body(.bucket, Self.formatBound(bounds[index]), Double(cumulative))
            }
        }
        body(.bucket, "+Inf", Double(count))
        body(.sum, nil, sum)
        body(.count, nil, Double(count))
    }

    public enum ClassicSuffix: String, Sendable {
        case bucket = "_bucket"
        case sum = "_sum"
        case count = "_count"
    }

    /// `1` not `1.0`; other values in Swift's shortest round-trip form, which Prometheus
    /// parses back to the same float.
    public static func formatBound(_ bound: Double) -> String {
        if bound.isInfinite { return bound > 0 ? "+Inf" : "-Inf" }
        if bound == bound.rounded(), abs(bound) < 1e15 { return String(Int64(bound)) }
        return bound.description
    }
}
