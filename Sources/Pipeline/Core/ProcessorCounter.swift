import Telemetry

/// A counter family a processor exposes on /metrics, e.g. `outrider_redact_matches_total`
/// labelled by `pattern`; the agent adds the `processor` label.
public struct ProcessorCounter: Sendable {
    public let metric: String
    public let help: String
    /// Labels every series of this counter carries between `processor` and `label`: a
    /// family with two dimensions (`decision`, `reason`) is one counter per value of the first.
    public let constantLabels: Labels
    public let label: String
    public let counts: CounterSet

    public init(metric: String, help: String, constantLabels: Labels = Labels(), label: String, counts: CounterSet) {
        self.metric = metric
        self.help = help
        self.constantLabels = constantLabels
        self.label = label
        self.counts = counts
    }
}
