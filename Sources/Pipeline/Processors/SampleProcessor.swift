import Telemetry

/// The `sample` processor: head sampling for traces. Each span is kept or dropped by the
/// first of these rules that applies:
///
/// 1. `keepErrors` and the span's status is error → kept (reason `error`): the spans worth
///    looking at are never sampled away, whatever the ratio.
/// 2. `parentBased` and the span's parent is remote (OTLP flags 0x100 and 0x200 both set)
///    with the W3C sampled bit (0x01) set → kept (reason `parent`): the trace entered this
///    service with an upstream decision to sample it. So that this service's local
///    children of that span stay with it, every other span of the same trace id in the
///    same batch is kept too (reason `parent`). A child exported in an earlier batch than
///    its remote-parent span (an SDK exports spans as they end, children first) goes by
///    the ratio. The sampled bit on its own decides nothing: the Java SDK sets it on every
///    span it exports (0x101 for a root or a local child, 0x301 under a remote parent), so
///    "bit set → keep" would keep all of a Java service's traces; the Python SDK leaves it
///    0 (0x300 under a remote parent), so a missing bit never drops either.
/// 3. The ratio, by the TraceIdRatioBased rule of OpenTelemetry's Python and Go SDKs: the
///    lower 8 bytes of the trace id, read big-endian, are kept when below `ratio × 2^64`
///    (reason `ratio`; otherwise dropped, reason `ratio`). It depends on the trace id
///    alone, so every sidecar of a trace keeps or drops the same traces whole, and so does
///    a Python or Go SDK sampling at the same ratio. The bound is rounded as the Python SDK
///    rounds it (`round(rate * 2**64)`); the Go SDK's (both sides shifted one bit) selects
///    the same set. Other samplers decide differently on the same id: the Java SDK keeps
///    `|lower 64 bits as a signed long| < ratio × Long.MAX_VALUE`, the JavaScript SDK
///    compares the XOR of the id's four 32-bit words with `ratio × 2^32`, and the
///    specification's newer rule compares the lower 56 bits with a rejection threshold
///    `(1 − ratio) × 2^56` (kept at or above). Where such a sampler is a trace's head, its
///    decision reaches this service as the remote parent's sampled bit (rule 2), not
///    through the ratio.
///
/// Decisions are counted per span in `sampled` and `notSampled` by reason, exposed as
/// `outrider_traces_sampled_total{decision, reason}`. Dropping here is policy, not loss:
/// the batch's acknowledgement completes as delivered. Logs and metrics pass untouched
/// (the config refuses the processor in their pipelines).
public struct SampleProcessor: Processor {
    /// Which rule decided.
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        case error, parent, ratio
    }

    public enum Decision: Sendable, Hashable {
        case sampled(Reason)
        /// Only the ratio drops a span.
        case notSampled
    }

    public let name: String
    public let ratio: Double
    public let parentBased: Bool
    public let keepErrors: Bool
    /// Kept spans by reason (`error`, `parent`, `ratio`).
    public let sampled = CounterSet(preset: Reason.allCases.map(\.rawValue))
    /// Dropped spans by reason (always `ratio`).
    public let notSampled = CounterSet(preset: [Reason.ratio.rawValue])
    /// Rule 2's flags: the parent is remote (both is-remote bits) and sampled.
    static let remoteSampledParent: UInt32 = Span.FlagBits.hasIsRemote | Span.FlagBits.isRemote | 0x01
    /// The ratio rule keeps trace ids whose lower 64 bits are below this, unless
    /// `ratioKeepsAll`: at ratio 1 the bound would be 2^64, one past UInt64.
    let ratioBound: UInt64
    let ratioKeepsAll: Bool

    /// - Parameters:
    ///   - name: the processor's name in the config.
    ///   - ratio: `ratio:` (default 0.1, the platform's production default), 0...1 — the
    ///     share of traces the ratio rule keeps.
    ///   - parentBased: `parent_based:` (default true) — keep traces a remote parent sampled.
    ///   - keepErrors: `keep_errors:` (default true) — keep spans whose status is error.
    public init(name: String, ratio: Double = 0.1, parentBased: Bool = true, keepErrors: Bool = true) {
        precondition((0...1).contains(ratio), "sample ratio must be between 0 and 1: \(ratio)")
        self.name = name
        self.ratio = ratio
        self.parentBased = parentBased
        self.keepErrors = keepErrors
        ratioKeepsAll = ratio >= 1
        // ratio < 1 here, so ratio × 2^64 ≤ 2^64 − 2^11 (exact: a power-of-two scale) and fits;
        // `.toNearestOrEven` is Python's `round`, which matters only below 2^-11.
        ratioBound = ratioKeepsAll ? .max : UInt64((ratio * 0x1p64).rounded(.toNearestOrEven))
    }

    public var counters: [ProcessorCounter] {
        let help = "Spans the sample processor kept (sampled) or dropped (not_sampled), by the rule that decided."
        return [
            ProcessorCounter(
                metric: "outrider_traces_sampled_total", help: help, constantLabels: ["decision": "sampled"],
                label: "reason", counts: sampled),
            ProcessorCounter(
                metric: "outrider_traces_sampled_total", help: help, constantLabels: ["decision": "not_sampled"],
                label: "reason", counts: notSampled),
        ]
    }

    /// The ratio rule alone: whether TraceIdRatioBased at `ratio` samples this trace.
    public func ratioKeeps(_ traceID: TraceID) -> Bool {
        ratioKeepsAll || traceID.low < ratioBound
    }

    /// The decision for `span` by its own fields: rule 2's keeping of the rest of a trace
    /// needs the batch (`process`).
    public func decision(for span: Span) -> Decision {
        decision(for: span, sampledTraces: [])
    }

    /// - Parameter sampledTraces: the trace ids of the batch's spans with a remote sampled parent.
    func decision(for span: Span, sampledTraces: Set<TraceID>) -> Decision {
        if keepErrors && span.status.code == .error { return .sampled(.error) }
        if parentBased
            && (span.flags & Self.remoteSampledParent == Self.remoteSampledParent
                || (!sampledTraces.isEmpty && sampledTraces.contains(span.traceID)))
        {
            return .sampled(.parent)
        }
        return ratioKeeps(span.traceID) ? .sampled(.ratio) : .notSampled
    }

    /// Rule 2's first pass: the traces an upstream head sampled, by their entry spans here.
    /// Few per batch, and none (so no allocation) without remote sampled parents.
    static func remotelySampledTraces(_ spans: [Span]) -> Set<TraceID> {
        var traces = Set<TraceID>()
        for span in spans where span.flags & remoteSampledParent == remoteSampledParent { traces.insert(span.traceID) }
        return traces
    }

    public func process(_ batch: inout TelemetryBatch) {
        guard case .spans(var spans) = batch.payload else { return }
        let sampledTraces = parentBased ? Self.remotelySampledTraces(spans) : []
        var tally = Tally()
        // Find the first drop before touching the batch: a batch that keeps every span (a
        // sampled trace, ratio 1) costs no write, no copy and no allocation.
        var index = 0
        while index < spans.count, tally.keeps(decision(for: spans[index], sampledTraces: sampledTraces)) { index += 1 }
        if index < spans.count {
            // Taken out of the batch, `spans` is the only reference: compacted in place.
            batch.payload = .spans([])
            var kept = index
            index += 1
            while index < spans.count {
                if tally.keeps(decision(for: spans[index], sampledTraces: sampledTraces)) {
                    spans.swapAt(kept, index)
                    kept += 1
                }
                index += 1
            }
            spans.removeSubrange(kept...)
            batch.payload = .spans(spans)
        }
        sampled.add(tally.error, Reason.error.rawValue)
        sampled.add(tally.parent, Reason.parent.rawValue)
        sampled.add(tally.ratio, Reason.ratio.rawValue)
        notSampled.add(tally.dropped, Reason.ratio.rawValue)
    }

    /// One batch's decisions, added to the counters once per batch rather than per span.
    private struct Tally {
        var error = 0
        var parent = 0
        var ratio = 0
        var dropped = 0

        mutating func keeps(_ decision: Decision) -> Bool {
            switch decision {
            case .sampled(.error): error += 1
            case .sampled(.parent): parent += 1
            case .sampled(.ratio): ratio += 1
            case .notSampled:
                dropped += 1
                return false
            }
            return true
        }
    }
}
