import Telemetry

/// What part of an OTLP request the Telemetry model cannot carry: the items left out
/// (counted) and why, in the shape of OTLP's `partial_success` (`rejected_<items>` and
/// `error_message`), which is what a receiver answers with. Nothing is left out silently:
/// every item not converted is counted here, and lesser losses (an attribute without a
/// value, a repeated attribute key) are noted in the message without a count.
///
/// A hostile request may repeat one problem hundreds of thousands of times under a
/// megabyte-long name, so reasons are cheap by construction: callers quote names through
/// `OTLPReasonText.quote` (bounded), word a problem once where it repeats (a metric's
/// rejected points share one reason, the others are `rejectAgain`), and pass the text as an
/// autoclosure, built only when an item is rejected or a loss noted.
public struct OTLPPartialSuccess: Sendable, Hashable {
    /// Distinct reasons kept for the message; a request with thousands of bad points says
    /// what is wrong a few times, not thousands.
    public static let maxReasons = 5

    /// Items (log records, spans, data points) not converted.
    public private(set) var rejected = 0
    public private(set) var reasons: [String] = []
    /// Attribute keys that appeared more than once in one list; the last value of each was
    /// kept (as the Collector's pdata does), the others were not converted.
    public private(set) var duplicateAttributeKeys = 0
    /// Hashes of the distinct reasons beyond `maxReasons`: counted, not kept (a collision
    /// only makes "and N more" one short).
    private var moreReasonHashes: Set<Int> = []

    public init() {}

    /// Distinct reasons beyond `maxReasons`.
    public var moreReasons: Int { moreReasonHashes.count }

    /// Nothing to report: the receiver answers without `partial_success`.
    public var isEmpty: Bool { rejected == 0 && reasons.isEmpty && duplicateAttributeKeys == 0 }

    /// `error_message`: the reasons, `; `-separated.
    public var errorMessage: String {
        var parts = reasons
        if duplicateAttributeKeys > 0 {
            let keys = duplicateAttributeKeys == 1 ? "1 attribute key" : "\(duplicateAttributeKeys) attribute keys"
            parts.append("\(keys) repeated in the same list, the last value kept")
        }
        if moreReasons > 0 { parts.append("and \(moreReasons) more") }
        return parts.joined(separator: "; ")
    }

    /// `items` left out, for `reason` (built only when `items` is not zero).
    mutating func reject(_ items: Int, _ reason: @autoclosure () -> String) {
        guard items > 0 else { return }
        rejected += items
        note(reason())
    }

    /// `items` left out for a reason the caller has already given (another point of the
    /// same metric with the same problem): counted, no reason built.
    mutating func rejectAgain(_ items: Int) {
        rejected += max(items, 0)
    }

    mutating func note(_ reason: @autoclosure () -> String) {
        let text = reason()
        guard !reasons.contains(text) else { return }
        if reasons.count < Self.maxReasons { reasons.append(text) } else { moreReasonHashes.insert(text.hashValue) }
    }

    mutating func noteDuplicateAttributeKeys(_ count: Int) {
        duplicateAttributeKeys += max(count, 0)
    }
}

/// An OTLP request as Telemetry batches (one per resource that kept at least one item),
/// and what could not be converted.
public struct OTLPDecoded: Sendable, Hashable {
    public var batches: [TelemetryBatch]
    public var partialSuccess: OTLPPartialSuccess

    public init(batches: [TelemetryBatch], partialSuccess: OTLPPartialSuccess) {
        self.batches = batches
        self.partialSuccess = partialSuccess
    }
}
