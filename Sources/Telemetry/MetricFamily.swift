/// A named metric with its samples: what a collector produces on each collection and what
/// /metrics and the metrics pipeline carry. Families, not single points, because Prometheus
/// exposition and OTLP both group samples under one name, type and help text.
public struct MetricFamily: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// Only goes up (resets on restart); Prometheus names end in `_total`.
        case counter
        case gauge
        /// Explicit-bucket histogram, cumulative: each sample carries a `HistogramValue`.
        case histogram
        /// A cumulative sum that may go down (an SDK's UpDownCounter, OTLP's non-monotonic
        /// `Sum`): kept apart from a gauge so that it leaves as the sum it came as; Prometheus
        /// has no such type and sees a gauge.
        case upDownCounter

        /// The `# TYPE` word and remote_write metadata type: Prometheus' four minus summary.
        public var prometheusType: String {
            switch self {
            case .counter: "counter"
            case .gauge, .upDownCounter: "gauge"
            case .histogram: "histogram"
            }
        }
    }

    public var name: String
    public var help: String
    public var kind: Kind
    /// UCUM-style unit for OTLP (`s`, `By`, `1`); empty when the name says it all.
    public var unit: String
    public var samples: [MetricSample]
    /// What produced the family, for metrics received from an SDK; empty for host metrics.
    public var scope: InstrumentationScope

    public init(
        name: String, help: String, kind: Kind, unit: String = "", samples: [MetricSample] = [],
        scope: InstrumentationScope = InstrumentationScope()
    ) {
        self.name = name
        self.help = help
        self.kind = kind
        self.unit = unit
        self.samples = samples
        self.scope = scope
    }

    public mutating func add(_ value: Double, _ labels: Labels = Labels()) {
        samples.append(MetricSample(labels: labels, value: value))
    }
}

/// One value of a family under one label set.
public struct MetricSample: Sendable, Hashable {
    public var labels: Labels
    /// A counter's or gauge's value, integer or float as produced; a histogram's sum (its
    /// buckets are in `histogram`).
    public var number: MetricNumber
    /// Set for (and only for) samples of a histogram family.
    public var histogram: HistogramValue?
    /// When the value was taken, if not at the batch's timestamp (points an SDK sent).
    public var timestamp: Timestamp?
    /// Since when a cumulative value counts (OTLP's start time), when known.
    public var startTimestamp: Timestamp?
    /// Which labels an SDK sent as ints, doubles or bools, for OTLP encoders; empty for all
    /// other samples. Kept beside `labels`, not in them, so the string paths never see it.
    public var labelTypes: LabelTypes

    public init(
        labels: Labels, number: MetricNumber, histogram: HistogramValue? = nil, timestamp: Timestamp? = nil,
        startTimestamp: Timestamp? = nil, labelTypes: LabelTypes = LabelTypes()
    ) {
        self.labels = labels
        self.number = number
        self.histogram = histogram
        self.timestamp = timestamp
        self.startTimestamp = startTimestamp
        self.labelTypes = labelTypes
    }

    public init(
        labels: Labels, value: Double, histogram: HistogramValue? = nil, timestamp: Timestamp? = nil,
        startTimestamp: Timestamp? = nil
    ) {
        self.init(labels: labels, number: .double(value), histogram: histogram, timestamp: timestamp, startTimestamp: startTimestamp)
    }

    /// A histogram family's sample; `value` is the sum.
    public init(labels: Labels, histogram: HistogramValue, timestamp: Timestamp? = nil, startTimestamp: Timestamp? = nil) {
        self.init(labels: labels, value: histogram.sum, histogram: histogram, timestamp: timestamp, startTimestamp: startTimestamp)
    }

    /// The value as float64 (`number.doubleValue`), what Prometheus text and remote_write
    /// carry; setting it makes the sample a float.
    public var value: Double {
        get { number.doubleValue }
        set { number = .double(newValue) }
    }
}

/// Label pairs in the order they were given; exposition keeps that order (node_exporter's
/// `cpu`, then `mode`) and remote_write sorts them itself.
public struct Labels: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    public var pairs: [(name: String, value: String)]

    public init() {
        pairs = []
    }

    public init(_ pairs: [(name: String, value: String)]) {
        self.pairs = pairs
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        pairs = elements.map { (name: $0.0, value: $0.1) }
    }

    public subscript(name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    public static func == (lhs: Labels, rhs: Labels) -> Bool {
        lhs.pairs.count == rhs.pairs.count && zip(lhs.pairs, rhs.pairs).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for pair in pairs {
            hasher.combine(pair.name)
            hasher.combine(pair.value)
        }
    }
}
