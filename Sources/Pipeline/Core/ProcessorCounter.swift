/// A counter family a processor exposes on /metrics, e.g. `outrider_redact_matches_total`
/// labelled by `pattern`; the agent adds the `processor` label.
public struct ProcessorCounter: Sendable {
    public let metric: String
    public let help: String
    public let label: String
    public let counts: CounterSet

    public init(metric: String, help: String, label: String, counts: CounterSet) {
        self.metric = metric
        self.help = help
        self.label = label
        self.counts = counts
    }
}
