/// Where a collector puts what it read: a family, then that family's samples, then the next
/// family. Two writers take it: `PrometheusTextWriter` renders a scrape straight into the
/// /metrics body, so a scrape builds no `MetricFamily`, `MetricSample` or `Labels` at all
/// (building and freeing them was most of a scrape's allocations), and
/// `MetricFamilyBuilder` builds the `[MetricFamily]` the metrics pipelines carry.
///
/// Labels are passed as up to two `(name, value)` pairs, the common case, without an array;
/// more take a `Labels`.
public protocol MetricWriter {
    /// Starts a family: the samples written next belong to it. A family that gets no sample
    /// is left out of the text exposition (as `PrometheusText.write` leaves it out) and kept,
    /// empty, by the builder.
    mutating func family(_ name: String, help: String, kind: MetricFamily.Kind, unit: String)
    /// Starts a family a collector declared once (see `MetricDescriptor`).
    mutating func family(_ descriptor: MetricDescriptor)

    mutating func sample(_ value: Double)
    mutating func sample(_ value: Double, _ label: (name: String, value: String))
    mutating func sample(_ value: Double, _ first: (name: String, value: String), _ second: (name: String, value: String))
    mutating func sample(_ value: Double, _ labels: Labels)

    /// Where the output ends now, for `rewind(to:)`. Opaque: only meaningful to this writer.
    var checkpoint: Int { get }
    /// Drops everything written after `checkpoint`: a collector that fails halfway must not
    /// leave part of its families behind.
    mutating func rewind(to checkpoint: Int)

    /// Writes a family already built, e.g. one a collector that only has
    /// `collect(into: [MetricFamily])` produced, histograms included.
    mutating func write(_ family: MetricFamily)
}

extension MetricWriter {
    public mutating func family(_ name: String, help: String, kind: MetricFamily.Kind) {
        family(name, help: help, kind: kind, unit: "")
    }

    public mutating func family(_ descriptor: MetricDescriptor) {
        family(descriptor.name, help: descriptor.help, kind: descriptor.kind, unit: descriptor.unit)
    }

    /// Counters and gauges sample by sample. Writers that keep histograms whole
    /// (the builder) or render their classic series (the text writer) have their own.
    public mutating func write(_ family: MetricFamily) {
        self.family(family.name, help: family.help, kind: family.kind, unit: family.unit)
        for sample in family.samples {
            self.sample(sample.value, sample.labels)
        }
    }
}

/// A family's name, help, kind and unit, for a collector that writes the same family on
/// every scrape: declared once, with its `# HELP` and `# TYPE` lines rendered once, so the
/// text writer copies them instead of rendering and escaping them again each time.
public final class MetricDescriptor: Sendable {
    public let name: String
    public let help: String
    public let kind: MetricFamily.Kind
    public let unit: String
    let textHeader: [UInt8]

    public init(_ name: String, help: String, kind: MetricFamily.Kind, unit: String = "") {
        self.name = name
        self.help = help
        self.kind = kind
        self.unit = unit
        var writer = PrometheusTextWriter()
        writer.family(name, help: help, kind: kind, unit: unit)
        writer.writePendingHeader()
        textHeader = writer.bytes
    }
}

/// Builds `MetricFamily` values, the form the metrics pipelines carry.
public struct MetricFamilyBuilder: MetricWriter {
    public private(set) var families: [MetricFamily]

    public init(families: [MetricFamily] = []) {
        self.families = families
    }

    public mutating func family(_ name: String, help: String, kind: MetricFamily.Kind, unit: String) {
        families.append(MetricFamily(name: name, help: help, kind: kind, unit: unit))
    }

    public mutating func sample(_ value: Double) {
        add(value, Labels())
    }

    public mutating func sample(_ value: Double, _ label: (name: String, value: String)) {
        add(value, Labels([label]))
    }

    public mutating func sample(_ value: Double, _ first: (name: String, value: String), _ second: (name: String, value: String)) {
        add(value, Labels([first, second]))
    }

    public mutating func sample(_ value: Double, _ labels: Labels) {
        add(value, labels)
    }

    public var checkpoint: Int { families.count }

    public mutating func rewind(to checkpoint: Int) {
        families.removeSubrange(checkpoint...)
    }

    public mutating func write(_ family: MetricFamily) {
        families.append(family)
    }

    private mutating func add(_ value: Double, _ labels: Labels) {
        precondition(!families.isEmpty, "a sample written before any family")
        families[families.count - 1].add(value, labels)
    }
}
