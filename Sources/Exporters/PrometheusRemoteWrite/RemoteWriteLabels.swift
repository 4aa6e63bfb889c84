import Telemetry

/// The label sets of one batch's series. A series carries its sample's own labels, then the
/// labels mapped from the batch's resource, then the external labels; the first to name a
/// label wins, so a series' own label beats a resource or external one, as Prometheus lets
/// a series' label beat an external label. Names are sanitized to Prometheus' charset, empty
/// values left out (Prometheus reads an empty value as no label), and each set is sorted by
/// name with `__name__` in it, as remote_write requires.
struct RemoteWriteLabels {
    typealias Pair = (name: String, value: String)

    /// Resource and external labels, sorted by name; names unique, values non-empty.
    let shared: [Pair]

    init(resource: Resource, options: RemoteWriteOptions) {
        var pairs: [Pair] = []
        // By attribute key, so that two attributes mapped to one label resolve the same way
        // on every run.
        for (key, label) in options.resourceLabels.sorted(by: { $0.key < $1.key }) {
            guard let value = resource.attributes[key].flatMap(\.labelText), !value.isEmpty else { continue }
            let name = PrometheusName.label(label)
            if name.isEmpty || name == Self.metricNameLabel || pairs.contains(where: { $0.name == name }) { continue }
            pairs.append((name, value))
        }
        for (label, value) in options.externalLabels.sorted(by: { $0.key < $1.key }) where !value.isEmpty {
            let name = PrometheusName.label(label)
            if name.isEmpty || name == Self.metricNameLabel || pairs.contains(where: { $0.name == name }) { continue }
            pairs.append((name, value))
        }
        shared = pairs.sorted { $0.name < $1.name }
    }

    /// A sample's labels and the shared ones, sorted, without `__name__` yet. A label named
    /// `reserved` (a histogram's `le`) is left out: the exporter sets it.
    func common(_ labels: Labels, reserved: String? = nil) -> [Pair] {
        var result: [Pair] = []
        result.reserveCapacity(labels.pairs.count + shared.count + 2)
        for pair in labels.pairs where !pair.value.isEmpty {
            let name = PrometheusName.label(pair.name)
            if name.isEmpty || name == Self.metricNameLabel || name == reserved { continue }
            // Two names that sanitize alike (`a.b`, `a_b`): the first keeps it.
            if result.contains(where: { $0.name == name }) { continue }
            result.append((name, pair.value))
        }
        let own = result.count
        for pair in shared where pair.name != reserved && !result[..<own].contains(where: { $0.name == pair.name }) {
            result.append(pair)
        }
        if own > 0 { result.sort { $0.name < $1.name } }
        return result
    }

    static let metricNameLabel = "__name__"

    /// `common` with `__name__` (and a bucket's `le`) inserted in order.
    static func series(_ common: [Pair], name: String, le: String? = nil) -> [Pair] {
        var result = common
        result.reserveCapacity(common.count + 2)
        insert((metricNameLabel, name), into: &result)
        if let le { insert(("le", le), into: &result) }
        return result
    }

    private static func insert(_ pair: Pair, into sorted: inout [Pair]) {
        let index = sorted.firstIndex { $0.name > pair.name } ?? sorted.endIndex
        sorted.insert(pair, at: index)
    }
}
