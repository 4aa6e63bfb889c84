import Telemetry

/// The records of one push request grouped into Loki streams by their label values. Only
/// positions are kept (batch, record, time): the JSON writer reads the records in place.
struct LokiStreams {
    struct Entry {
        var nanoseconds: Int64
        var batch: Int32
        var record: Int32
    }

    struct Stream {
        /// Sorted by name; never empty.
        var labels: [(name: String, value: String)]
        var entries: [Entry]
    }

    /// Labels as the encoder resolved them: sanitized names, sorted, unique.
    let labels: [(name: String, source: LokiOptions.LabelSource)]
    private(set) var streams: [Stream] = []
    /// Label values (empty for absent) → index in `streams`.
    private var positions: [[String]: Int] = [:]
    private var key: [String]
    /// The last stream looked up and its key: consecutive records of one stream (the usual
    /// case) cost a comparison of strings that share storage, not a hash.
    private var last: (key: [String], position: Int)?

    init(labels: [(name: String, source: LokiOptions.LabelSource)]) {
        self.labels = labels
        key = Array(repeating: "", count: labels.count)
    }

    /// Files every record of `records` under its stream.
    mutating func add(_ records: [LogRecord], resource: Resource, batch: Int32) {
        // Resource-sourced values are the batch's; only the rest are looked up per record.
        var perRecord: [Int] = []
        for (index, label) in labels.enumerated() {
            if case .resource(let attributeKey) = label.source {
                key[index] = resource.attributes[attributeKey].flatMap(\.labelText) ?? ""
            } else {
                perRecord.append(index)
            }
        }
        var position = perRecord.isEmpty ? streamPosition() : 0
        for (index, record) in records.enumerated() {
            if !perRecord.isEmpty {
                for label in perRecord {
                    switch labels[label].source {
                    case .attribute(let attributeKey): key[label] = record.attributes[attributeKey].flatMap(\.labelText) ?? ""
                    case .severity: key[label] = Self.level(record.severity)
                    case .resource: break
                    }
                }
                position = streamPosition()
            }
            let time = (record.timestamp ?? record.observedTimestamp).nanosecondsSinceEpoch
            streams[position].entries.append(Entry(nanoseconds: max(0, time), batch: batch, record: Int32(index)))
        }
    }

    /// Each stream's entries in time order; equal times keep their arrival order.
    mutating func sortEntries() {
        for index in streams.indices {
            streams[index].entries.sort { lhs, rhs in
                if lhs.nanoseconds != rhs.nanoseconds { return lhs.nanoseconds < rhs.nanoseconds }
                return (lhs.batch, lhs.record) < (rhs.batch, rhs.record)
            }
        }
    }

    private mutating func streamPosition() -> Int {
        if let last, last.key == key { return last.position }
        let position = lookUp()
        last = (key, position)
        return position
    }

    private mutating func lookUp() -> Int {
        if let position = positions[key] { return position }
        var pairs: [(name: String, value: String)] = []
        for (index, label) in labels.enumerated() where !key[index].isEmpty {
            pairs.append((label.name, key[index]))
        }
        if pairs.isEmpty { pairs.append(LokiOptions.fallbackLabel) }
        positions[key] = streams.count
        streams.append(Stream(labels: pairs, entries: []))
        return streams.count - 1
    }

    private static let levels = ["unknown", "trace", "debug", "info", "warn", "error", "fatal"]

    static func level(_ severity: Severity) -> String {
        severity.number == 0 ? levels[0] : levels[Int((severity.number - 1) / 4) + 1]
    }
}
