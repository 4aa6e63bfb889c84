/// A snapshot of what the sink received. Ingest requests only: `/_control/` is not counted.
public struct SinkStats: Sendable, Equatable {
    /// Ingest requests whose head arrived.
    public var requests = 0
    /// When the heads of the first `SinkState.maxArrivals` ingest requests arrived, so a test
    /// can measure the gap between a refusal and its retry without polling.
    public var arrivals: [ContinuousClock.Instant] = []
    /// Requests answered 200 (their lines are counted).
    public var acceptedRequests = 0
    /// Requests answered with an error status: injected faults, 413, 400 (bad gzip).
    public var rejectedByStatus: [Int: Int] = [:]
    /// Connections reset by injected `reset` faults or a down period.
    public var resets = 0
    /// Body bytes of accepted requests, after decompression.
    public var bytes = 0
    /// Body bytes as they came over the wire, every request.
    public var wireBytes = 0
    /// Lines (or JSON array elements) of accepted requests.
    public var lines = 0
    /// Accepted requests with a `Content-Encoding: gzip` (or deflate) body.
    public var gzipBodies = 0
    /// Requests by path (query string dropped); at most `SinkState.maxPaths` paths.
    public var paths: [String: Int] = [:]
    /// Requests by content type (parameters dropped); at most `SinkState.maxContentTypes`.
    public var contentTypes: [String: Int] = [:]
    /// Accepted lines without a sequence number.
    public var linesWithoutSequence = 0
    /// Sequenced lines of streams past the stream limit (not checked).
    public var untrackedLines = 0
    /// Per stream key.
    public var streams: [String: SequenceReport] = [:]
    /// Loki pushes accepted (`/loki/api/v1/push`, schema-checked).
    public var lokiPushes = 0
    /// Loki entries by stream selector (`{level="info",service_name="checkout"}`, names
    /// sorted); at most `SinkState.maxPaths` selectors.
    public var lokiStreams: [String: Int] = [:]
    /// Loki pushes by `X-Scope-OrgID` (`""`: none sent).
    public var lokiTenants: [String: Int] = [:]
    /// Loki entries carrying each structured metadata name (`trace_id`, …).
    public var lokiMetadata: [String: Int] = [:]
    /// Loki entries older than the entry before them in the same stream of one push.
    public var lokiUnorderedEntries = 0

    public init() {}

    public var rejectedRequests: Int { rejectedByStatus.values.reduce(0, +) }

    /// All streams together.
    public var sequence: SequenceReport {
        var total = SequenceReport()
        for report in streams.values { total.add(report) }
        return total
    }

    /// One JSON object on one line (the `GET /_control/stats` body and the executable's output).
    public var json: String {
        var writer = JSONWriter()
        writer.object { object in
            object.field("requests", requests)
            object.field("accepted", acceptedRequests)
            object.field("rejected", rejectedRequests)
            object.object("rejectedByStatus") { inner in
                for (status, count) in rejectedByStatus.sorted(by: { $0.key < $1.key }) { inner.field(String(status), count) }
            }
            object.field("resets", resets)
            object.field("bytes", bytes)
            object.field("wireBytes", wireBytes)
            object.field("lines", lines)
            object.field("gzipBodies", gzipBodies)
            object.field("linesWithoutSequence", linesWithoutSequence)
            object.field("untrackedLines", untrackedLines)
            object.object("paths") { inner in
                for (path, count) in paths.sorted(by: { $0.key < $1.key }) { inner.field(path, count) }
            }
            object.object("contentTypes") { inner in
                for (type, count) in contentTypes.sorted(by: { $0.key < $1.key }) { inner.field(type, count) }
            }
            object.field("lokiPushes", lokiPushes)
            object.field("lokiUnorderedEntries", lokiUnorderedEntries)
            for (name, map) in [("lokiStreams", lokiStreams), ("lokiTenants", lokiTenants), ("lokiMetadata", lokiMetadata)] {
                object.object(name) { inner in
                    for (key, count) in map.sorted(by: { $0.key < $1.key }) { inner.field(key, count) }
                }
            }
            object.object("sequence") { Self.write(sequence, into: &$0) }
            object.object("streams") { inner in
                for (name, report) in streams.sorted(by: { $0.key < $1.key }) {
                    inner.object(name) { Self.write(report, into: &$0) }
                }
            }
        }
        return writer.text
    }

    private static func write(_ report: SequenceReport, into object: inout JSONWriter.Object) {
        object.field("received", report.received)
        object.field("unique", report.unique)
        object.field("duplicates", report.duplicates)
        object.field("missing", report.missing)
        object.field("outOfOrder", report.outOfOrder)
        object.field("lateBeyondWindow", report.lateBeyondWindow)
        object.field("lowest", report.lowest)
        object.field("highest", report.highest)
    }
}

/// The sink's shared mutable state, behind one lock: the behavior and its fault counters,
/// the counters, and the sequence trackers.
///
/// Memory bound: `maxStreams` trackers of 8 KiB (8 MiB), `maxPaths` and `maxContentTypes`
/// map entries; bodies are never kept (a compressed body is held until decoded, up to
/// `maxBodyBytes`, and a request's sequence numbers until it is accepted, 16 bytes a line).
struct SinkState {
    static let maxStreams = 1024
    static let maxPaths = 256
    static let maxContentTypes = 64
    static let maxArrivals = 64
    static let overflowKey = "(other)"

    var behavior: SinkBehavior {
        didSet {
            faultIndex = 0
            if case .next(let count) = behavior.selection { faultsLeft = count } else { faultsLeft = 0 }
        }
    }
    private var faultIndex: UInt64 = 0
    private var faultsLeft = 0
    var counters = SinkStats()
    var trackers: [[UInt8]: SequenceTracker] = [:]

    init(behavior: SinkBehavior) {
        self.behavior = behavior
        if case .next(let count) = behavior.selection { faultsLeft = count }
    }

    /// The fault, if any, for the next ingest request.
    mutating func nextFault() -> SinkBehavior.Fault? {
        guard let fault = behavior.fault else { return nil }
        switch behavior.selection {
        case .all:
            return fault
        case .next:
            guard faultsLeft > 0 else { return nil }
            faultsLeft -= 1
            return fault
        case .fraction(let fraction, let seed):
            let index = faultIndex
            faultIndex += 1
            let draw = Double(Self.mix(seed &+ index &* 0x9E37_79B9_7F4A_7C15) >> 11) / Double(1 << 53)
            return draw < fraction ? fault : nil
        }
    }

    /// splitmix64's finalizer.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func count(path: Substring, contentType: String?) {
        counters.requests += 1
        if counters.arrivals.count < Self.maxArrivals { counters.arrivals.append(.now) }
        Self.bump(&counters.paths, String(path), limit: Self.maxPaths)
        if let contentType { Self.bump(&counters.contentTypes, contentType, limit: Self.maxContentTypes) }
    }

    private static func bump(_ map: inout [String: Int], _ key: String, limit: Int, by amount: Int = 1) {
        if map[key] != nil || map.count < limit - 1 {
            map[key, default: 0] += amount
        } else {
            map[overflowKey, default: 0] += amount
        }
    }

    mutating func reject(_ status: Int) {
        counters.rejectedByStatus[status, default: 0] += 1
    }

    mutating func accept(lines: Int, bytes: Int, compressed: Bool, batch: SequenceBatch) {
        counters.acceptedRequests += 1
        counters.lines += lines
        counters.bytes += bytes
        if compressed { counters.gzipBodies += 1 }
        counters.linesWithoutSequence += batch.unsequenced
        counters.untrackedLines += batch.untracked
        guard !batch.isEmpty else { return }
        // Resolve the batch's stream keys once, then record without hashing per line.
        let keys = batch.keys
        var used = [Bool](repeating: false, count: keys.count)
        for stream in batch.streamOfEntry { used[Int(stream)] = true }
        for (index, key) in keys.enumerated() where used[index] && trackers[key] == nil && trackers.count < Self.maxStreams {
            trackers[key] = SequenceTracker()
        }
        var slots = [Dictionary<[UInt8], SequenceTracker>.Index?](repeating: nil, count: keys.count)
        for (index, key) in keys.enumerated() where used[index] { slots[index] = trackers.index(forKey: key) }
        let streams = batch.streamOfEntry
        let sequences = batch.sequenceOfEntry
        for entry in streams.indices {
            if let slot = slots[Int(streams[entry])] {
                trackers.values[slot].record(sequences[entry])
            } else {
                counters.untrackedLines += 1
            }
        }
    }

    mutating func recordLoki(_ push: LokiPush, tenant: String?) {
        counters.lokiPushes += 1
        Self.bump(&counters.lokiTenants, tenant ?? "", limit: Self.maxPaths)
        var metadata: [String: Int] = [:]
        for stream in push.streams {
            Self.bump(&counters.lokiStreams, stream.selector, limit: Self.maxPaths, by: stream.entries.count)
            for (index, entry) in stream.entries.enumerated() {
                if index > 0, entry.nanoseconds < stream.entries[index - 1].nanoseconds { counters.lokiUnorderedEntries += 1 }
                for pair in entry.metadata { metadata[pair.key, default: 0] += 1 }
            }
        }
        for (key, count) in metadata { Self.bump(&counters.lokiMetadata, key, limit: Self.maxPaths, by: count) }
    }

    var snapshot: SinkStats {
        var stats = counters
        for (key, tracker) in trackers {
            stats.streams[String(decoding: key, as: UTF8.self)] = tracker.report
        }
        return stats
    }
}
