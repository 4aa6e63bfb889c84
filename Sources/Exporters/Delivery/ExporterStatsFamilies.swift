import Telemetry

/// Exporter counters as /metrics families and as /status's per-exporter summary, so the
/// agent needs to know nothing of `ExporterStats`' insides.
public enum ExporterStatsFamilies {
    /// `sent` of an exporter's entry in /status.
    public struct Summary: Sendable, Hashable, Encodable {
        public var events: UInt64
        public var bytes: UInt64
        public var requests: [String: UInt64]
        public var retries: UInt64
        /// Set while the backend is failing.
        public var lastError: String?

        enum CodingKeys: String, CodingKey {
            case events, bytes, requests, retries
            case lastError = "last_error"
        }
    }

    public static func summary(_ stats: ExporterStats) -> Summary {
        Summary(
            events: stats.sentEvents, bytes: stats.sentBytes, requests: stats.requests.snapshot, retries: stats.retries,
            lastError: stats.lastError)
    }

    /// `outrider_exporter_sent_events_total{exporter}`, `outrider_exporter_sent_bytes_total{exporter}`,
    /// `outrider_exporter_requests_total{exporter,result}`, `outrider_exporter_retries_total{exporter}`,
    /// and `outrider_exporter_send_duration_seconds_total{exporter}` (divided by the requests'
    /// sum: the mean attempt duration) until the exposition carries histograms.
    public static func families(_ exporters: [(name: String, stats: ExporterStats)]) -> [MetricFamily] {
        var events = MetricFamily(
            name: "outrider_exporter_sent_events_total", help: "Events the exporter's backend accepted.", kind: .counter)
        var bytes = MetricFamily(
            name: "outrider_exporter_sent_bytes_total", help: "Request body bytes the backend accepted, as sent (after compression).",
            kind: .counter, unit: "By")
        var requests = MetricFamily(
            name: "outrider_exporter_requests_total", help: "Delivery attempts by result: success, retryable, permanent.",
            kind: .counter)
        var retries = MetricFamily(
            name: "outrider_exporter_retries_total", help: "Delivery attempts after a batch's first.", kind: .counter)
        var durationSum = MetricFamily(
            name: "outrider_exporter_send_duration_seconds_total", help: "Time spent in delivery attempts.", kind: .counter,
            unit: "s")
        for (name, stats) in exporters {
            let exporter: Labels = ["exporter": name]
            events.add(Double(stats.sentEvents), exporter)
            bytes.add(Double(stats.sentBytes), exporter)
            for (result, count) in stats.requests.snapshot.sorted(by: { $0.key < $1.key }) {
                requests.add(Double(count), ["exporter": name, "result": result])
            }
            retries.add(Double(stats.retries), exporter)
            durationSum.add(stats.sendDurations.snapshot.sumSeconds, exporter)
        }
        return [events, bytes, requests, retries, durationSum]
    }
}
