import Telemetry

/// What part of an OTLP request the Telemetry model cannot carry: the items left out
/// (counted) and why, in the shape of OTLP's `partial_success` (`rejected_<items>` and
/// `error_message`), which is what a receiver answers with. Nothing is left out silently:
/// every item not converted is counted here, and lesser losses (an attribute without a
/// value) are noted in the message without a count.
public struct OTLPPartialSuccess: Sendable, Hashable {
    /// Distinct reasons kept for the message; a request with thousands of bad points says
    /// what is wrong a few times, not thousands.
    public static let maxReasons = 5

    /// Items (log records, spans, data points) not converted.
    public private(set) var rejected = 0
    public private(set) var reasons: [String] = []
    /// Distinct reasons beyond `maxReasons`.
    public private(set) var moreReasons = 0

    public init() {}

    /// Nothing to report: the receiver answers without `partial_success`.
    public var isEmpty: Bool { rejected == 0 && reasons.isEmpty }

    /// `error_message`: the reasons, `; `-separated.
    public var errorMessage: String {
        let text = reasons.joined(separator: "; ")
        return moreReasons > 0 ? "\(text); and \(moreReasons) more" : text
    }

    mutating func reject(_ items: Int, _ reason: String) {
        guard items > 0 else { return }
        rejected += items
        note(reason)
    }

    mutating func note(_ reason: String) {
        guard !reasons.contains(reason) else { return }
        if reasons.count < Self.maxReasons { reasons.append(reason) } else { moreReasons += 1 }
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
