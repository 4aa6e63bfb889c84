import Telemetry

/// The `sample` processor: head sampling for traces. Each span is kept or dropped by the
/// first of these rules that applies:
///
/// 1. `keepErrors` and the span's status is error → kept (reason `error`): the spans worth
///    looking at are never sampled away, whatever the ratio.
/// 2. `parentBased` and the W3C sampled flag is set (`flags & 0x01`) → kept (reason
///    `parent`). The flag is trace-wide: an SDK that fills it sets it on every span of a
///    sampled trace, local children included, so this keeps whole traces whose head (an
///    upstream service's SDK, or the ingress proxy) decided to sample. SDKs that leave it 0
///    (the Python SDK sends only the is-remote bits 0x100/0x300) fall through to the ratio;
///    a missing bit is never a reason to drop.
/// 3. The ratio, by OpenTelemetry's TraceIdRatioBased rule: the lower 8 bytes of the trace
///    id, read big-endian, are kept when below `ratio × 2^64` (reason `ratio`; otherwise
///    dropped, reason `ratio`). It depends on the trace id alone, so every sidecar of a
///    trace, and an SDK or proxy using TraceIdRatioBased with the same ratio, keeps or
///    drops the same traces whole. The bound is rounded as the Python SDK rounds it
///    (`round(rate * 2**64)`); the Go SDK's (both sides shifted one bit) selects the same set.
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
    /// The ratio rule keeps trace ids whose lower 64 bits are below this, unless
    /// `ratioKeepsAll`: at ratio 1 the bound would be 2^64, one past UInt64.
    let ratioBound: UInt64
    let ratioKeepsAll: Bool

    /// - Parameters:
    ///   - name: the processor's name in the config.
    ///   - ratio: `ratio:` (default 0.1, the platform's production default), 0...1 — the
    ///     share of traces the ratio rule keeps.
    ///   - parentBased: `parent_based:` (default true) — keep spans whose sampled flag is set.
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

    public func decision(for span: Span) -> Decision {
        if keepErrors && span.status.code == .error { return .sampled(.error) }
        if parentBased && span.flags & 0x01 != 0 { return .sampled(.parent) }
        return ratioKeeps(span.traceID) ? .sampled(.ratio) : .notSampled
    }

    public func process(_ batch: inout TelemetryBatch) {
        guard case .spans(var spans) = batch.payload else { return }
        var tally = Tally()
        // Find the first drop before touching the batch: a batch that keeps every span (a
        // sampled trace, ratio 1) costs no write, no copy and no allocation.
        var index = 0
        while index < spans.count, tally.keeps(decision(for: spans[index])) { index += 1 }
        if index < spans.count {
            // Taken out of the batch, `spans` is the only reference: compacted in place.
            batch.payload = .spans([])
            var kept = index
            index += 1
            while index < spans.count {
                if tally.keeps(decision(for: spans[index])) {
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
