import Telemetry

/// Metric samples an OTLP request cannot carry, found before encoding so that they are left
/// out and counted (as rejected) instead of sent wrong: a histogram family's sample without
/// a `HistogramValue` (a histogram point needs at least its count), and one whose buckets do
/// not add up (`HistogramValue.isConsistent`), which a backend would store as given and
/// compute wrong quantiles from.
public struct OTLPRepresentableMetrics: Sendable {
    /// The batches without those samples (a family left without samples is left out).
    public var batches: [TelemetryBatch]
    /// Samples left out.
    public var leftOut = 0
    /// Why, naming the first; empty when nothing was left out.
    public var reason: String {
        guard leftOut > 0 else { return "" }
        let others = leftOut > 1 ? " (\(leftOut) samples left out in all)" : ""
        return "not representable in OTLP, left out: \(first)\(others)"
    }

    private var first = ""

    /// Checks every histogram sample once; the batches are copied only when one is left out.
    public init(_ batches: [TelemetryBatch]) {
        self.batches = batches
        for index in batches.indices {
            guard case .metrics(var metrics) = batches[index].payload,
                metrics.families.contains(where: { $0.kind == .histogram && $0.samples.contains(where: Self.unrepresentable) })
            else { continue }
            metrics.families = metrics.families.compactMap { family in
                guard family.kind == .histogram else { return family }
                var kept = family
                kept.samples = family.samples.filter { sample in
                    guard Self.unrepresentable(sample) else { return true }
                    note(family, sample)
                    return false
                }
                return kept.samples.isEmpty ? nil : kept
            }
            self.batches[index].payload = .metrics(metrics)
        }
    }

    private static func unrepresentable(_ sample: MetricSample) -> Bool {
        !(sample.histogram?.isConsistent ?? false)
    }

    private mutating func note(_ family: MetricFamily, _ sample: MetricSample) {
        if leftOut == 0 {
            let detail = sample.histogram.map { "\($0.counts.count) counts for \($0.bounds.count) bounds, count \($0.count)" }
            let labels = sample.labels.pairs.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ",")
            first = "histogram \(OTLPReasonText.quote(family.name))"
                + (labels.isEmpty ? "" : "{\(OTLPReasonText.truncate(labels))}")
                + (detail.map { " is inconsistent: \($0)" } ?? " carries no histogram (buckets and count)")
        }
        leftOut += 1
    }
}
