/// The time series of one remote_write request, collected sample by sample: samples of the
/// same label set, from any batch of the request, land in one `TimeSeries`, in time order.
///
/// Prometheus appends a request's samples series by series and refuses the whole request
/// (400) when one is older than, or at the same time with another value as, the sample
/// before it; so within a series samples are sorted and a timestamp appears once (the
/// last value given for it wins, as the newer reading).
struct RemoteWriteSeries {
    /// A label set's identity: names and values, each followed by 0xFF (never in UTF-8).
    private var positions: [[UInt8]: Int] = [:]
    private var labels: [[Prometheus_Label]] = []
    private var samples: [[Prometheus_Sample]] = []
    private var key: [UInt8] = []

    var count: Int { labels.count }

    /// - Parameter sortedLabels: sorted by name, names unique, `__name__` included.
    mutating func append(_ sortedLabels: [(name: String, value: String)], value: Double, timestampMilliseconds: Int64) {
        key.removeAll(keepingCapacity: true)
        for pair in sortedLabels {
            key.append(contentsOf: pair.name.utf8)
            key.append(0xFF)
            key.append(contentsOf: pair.value.utf8)
            key.append(0xFF)
        }
        var sample = Prometheus_Sample()
        sample.value = value
        sample.timestamp = timestampMilliseconds
        if let position = positions[key] {
            samples[position].append(sample)
            return
        }
        positions[key] = labels.count
        labels.append(sortedLabels.map { pair in
            var label = Prometheus_Label()
            label.name = pair.name
            label.value = pair.value
            return label
        })
        samples.append([sample])
    }

    /// The series in first-seen order, each with its samples in time order.
    func finish() -> [Prometheus_TimeSeries] {
        var result: [Prometheus_TimeSeries] = []
        result.reserveCapacity(labels.count)
        for index in labels.indices {
            var series = Prometheus_TimeSeries()
            series.labels = labels[index]
            series.samples = Self.ordered(samples[index])
            result.append(series)
        }
        return result
    }

    /// Sorted by time, stable, then one sample per timestamp (the last given).
    static func ordered(_ samples: [Prometheus_Sample]) -> [Prometheus_Sample] {
        var isOrdered = true
        for index in samples.indices.dropFirst() where samples[index - 1].timestamp >= samples[index].timestamp {
            isOrdered = false
            break
        }
        if isOrdered { return samples }
        let sorted = samples.indices.sorted { lhs, rhs in
            samples[lhs].timestamp != samples[rhs].timestamp ? samples[lhs].timestamp < samples[rhs].timestamp : lhs < rhs
        }
        var result: [Prometheus_Sample] = []
        result.reserveCapacity(samples.count)
        for index in sorted {
            if let last = result.last, last.timestamp == samples[index].timestamp {
                result[result.count - 1] = samples[index]
            } else {
                result.append(samples[index])
            }
        }
        return result
    }
}
