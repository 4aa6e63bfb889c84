import Telemetry

/// The `filter` processor: drops log records below a severity, and logs, spans and metric
/// samples that match a `drop_if` rule. Every drop is counted in `dropped` by reason
/// (`severity`, `attribute`), so a filter that eats too much shows on /metrics.
///
/// Dropping here is deliberate, not loss: the batch's acknowledgement still completes as
/// delivered, so a source moves its checkpoint past filtered lines.
public struct FilterProcessor: Processor {
    public static let reasonSeverity = "severity"
    public static let reasonAttribute = "attribute"

    public let name: String
    public let minSeverity: Severity?
    public let dropUnspecified: Bool
    public let rules: [FilterRule]
    /// Dropped events by reason.
    public let dropped = CounterSet(preset: [FilterProcessor.reasonSeverity, FilterProcessor.reasonAttribute])

    /// - Parameters:
    ///   - name: the processor's name in the config.
    ///   - minSeverity: `min_severity:`; log records whose severity number is below its
    ///     number are dropped (only the number counts: `warn` keeps WARN2 and up). Nil (the
    ///     default) keeps every level. The config takes a level name (`Severity(levelName:)`)
    ///     or a number 1–24.
    ///   - dropUnspecified: `drop_unspecified:` (default false) — whether records without a
    ///     severity (number 0: plain text lines nobody parsed) are dropped too. They are
    ///     kept by default because an unparsed line is as likely an error as anything.
    ///   - rules: `drop_if:` — an event matching any rule is dropped.
    public init(name: String, minSeverity: Severity? = nil, dropUnspecified: Bool = false, rules: [FilterRule] = []) {
        self.name = name
        self.minSeverity = minSeverity
        self.dropUnspecified = dropUnspecified
        self.rules = rules
    }

    public var counters: [ProcessorCounter] {
        [ProcessorCounter(
            metric: "outrider_filter_dropped_total", help: "Events the filter processor dropped, by reason.",
            label: "reason", counts: dropped)]
    }

    public func process(_ batch: inout TelemetryBatch) {
        // Each case takes the events out of the batch before editing them, so the array is
        // uniquely referenced and `removeAll` works in place instead of copying.
        switch batch.payload {
        case .logs(var records):
            guard minSeverity != nil || dropUnspecified || !rules.isEmpty else { return }
            batch.payload = .logs([])
            var bySeverity = 0
            var byAttribute = 0
            records.removeAll { record in
                if dropsSeverity(record.severity) {
                    bySeverity += 1
                    return true
                }
                if matchesAny(record.attributes) {
                    byAttribute += 1
                    return true
                }
                return false
            }
            batch.payload = .logs(records)
            dropped.add(bySeverity, Self.reasonSeverity)
            dropped.add(byAttribute, Self.reasonAttribute)
        case .spans(var spans):
            guard !rules.isEmpty else { return }
            batch.payload = .spans([])
            let before = spans.count
            spans.removeAll { matchesAny($0.attributes) }
            batch.payload = .spans(spans)
            dropped.add(before - spans.count, Self.reasonAttribute)
        case .metrics(var metrics):
            guard !rules.isEmpty else { return }
            batch.payload = .metrics(MetricBatch(families: [], timestamp: metrics.timestamp))
            var removed = 0
            for index in metrics.families.indices {
                let before = metrics.families[index].samples.count
                metrics.families[index].samples.removeAll { sample in rules.contains { $0.matches(sample.labels) } }
                removed += before - metrics.families[index].samples.count
            }
            if removed > 0 {
                // Otherwise a family the filter emptied would be exported as a name without samples.
                metrics.families.removeAll { $0.samples.isEmpty }
            }
            batch.payload = .metrics(metrics)
            dropped.add(removed, Self.reasonAttribute)
        }
    }

    private func dropsSeverity(_ severity: Severity) -> Bool {
        if severity.number == 0 { return dropUnspecified }
        guard let minSeverity else { return false }
        return severity.number < minSeverity.number
    }

    private func matchesAny(_ attributes: Attributes) -> Bool {
        !attributes.isEmpty && rules.contains { $0.matches(attributes) }
    }
}
