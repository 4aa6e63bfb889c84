/// A named metric with its samples: what a collector produces on each collection and what
/// /metrics and the metrics pipeline carry. Families, not single points, because Prometheus
/// exposition and OTLP both group samples under one name, type and help text.
public struct MetricFamily: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// Only goes up (resets on restart); Prometheus names end in `_total`.
        case counter
        case gauge
    }

    public var name: String
    public var help: String
    public var kind: Kind
    /// UCUM-style unit for OTLP (`s`, `By`, `1`); empty when the name says it all.
    public var unit: String
    public var samples: [MetricSample]

    public init(name: String, help: String, kind: Kind, unit: String = "", samples: [MetricSample] = []) {
        self.name = name
        self.help = help
        self.kind = kind
        self.unit = unit
        self.samples = samples
    }

    public mutating func add(_ value: Double, _ labels: Labels = Labels()) {
        samples.append(MetricSample(labels: labels, value: value))
    }
}

/// One value of a family under one label set.
public struct MetricSample: Sendable, Hashable {
    public var labels: Labels
    public var value: Double

    public init(labels: Labels, value: Double) {
        self.labels = labels
        self.value = value
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
