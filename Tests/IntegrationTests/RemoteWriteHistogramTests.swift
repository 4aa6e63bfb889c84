import AsyncHTTPClient
import Exporters
import Foundation
import Logging
import Telemetry
import TestSupport
import Testing

/// A histogram family through the real remote_write encoder and `HTTPSender` into real
/// Prometheus: the classic series a user queries (`_bucket` by `le`, cumulative; `_sum`;
/// `_count`) and what `histogram_quantile` makes of them. One inconsistent point goes along:
/// it is left out and reported, and the rest still lands.
extension RemoteWriteTests {
    static let histogramName = "outrider_it_rpc_seconds"

    /// route → per-bucket counts for bounds 0.1, 0.5, 1, 5 (and the overflow bucket).
    static let latest: [String: [UInt64]] = ["/a": [2, 3, 4, 1, 0], "/b": [0, 0, 5, 5, 2]]

    static func histogramBatch(at time: Timestamp) -> TelemetryBatch {
        let bounds: [Double] = [0.1, 0.5, 1, 5]
        func point(_ route: String, _ counts: [UInt64], sum: Double, at time: Timestamp) -> MetricSample {
            let count = counts.reduce(0, +)
            return MetricSample(
                labels: ["route": route], histogram: HistogramValue(bounds: bounds, counts: counts, sum: sum, count: count),
                timestamp: time)
        }
        let earlier = Timestamp(nanosecondsSinceEpoch: time.nanosecondsSinceEpoch - 1_000_000_000)
        let family = MetricFamily(
            name: histogramName, help: "RPC latency.", kind: .histogram, unit: "s",
            samples: [
                point("/a", [1, 1, 1, 0, 0], sum: 1.2, at: earlier),
                point("/a", latest["/a"]!, sum: 7.25, at: time),
                point("/b", latest["/b"]!, sum: 41.5, at: time),
                // Buckets add up to 3, count says 4: cannot be written as classic series.
                MetricSample(labels: ["route": "/bad"], histogram: HistogramValue(bounds: bounds, counts: [1, 1, 1, 0, 0], sum: 1, count: 4)),
            ])
        return .metrics(MetricBatch(families: [family], timestamp: time), resource: Resource(attributes: ["service.name": "rw-histogram"]))
    }

    @Test func prometheusQueriesAHistogram() async throws {
        let directory = try TemporaryDirectory()
        guard let receiver = try await Self.startPrometheus(directory) else { return }
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: HTTPClientDefaults.configuration())
        var failure: (any Error)?
        do {
            try await Self.sendAndQueryHistogram(receiver, client: client)
        } catch {
            failure = error
        }
        try await client.shutdown()
        receiver.process.signal(SIGTERM)
        #expect(await receiver.process.waitForExit(within: 20) == 0, "\(receiver.process.text)")
        if let failure { throw failure }
    }

    static func sendAndQueryHistogram(_ receiver: Receiver, client: HTTPClient) async throws {
        let sender = try HTTPSender(
            client: client,
            configuration: HTTPSenderConfiguration(
                endpoint: "http://127.0.0.1:\(receiver.port)/api/v1/write", headers: PrometheusRemoteWriteEncoder.requestHeaders),
            encoder: PrometheusRemoteWriteEncoder(options: RemoteWriteOptions(externalLabels: ["cluster": cluster])),
            classifier: RemoteWriteResponseClassifier(), logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let attempt = await sender.attempt([histogramBatch(at: WallClock.system.now())])
        guard case .partiallyDelivered(let rejected, let reason) = attempt.outcome else {
            Issue.record("expected the bad point rejected and the rest delivered, got \(attempt.outcome)")
            return
        }
        #expect(rejected == 1 && reason.contains(#"route="/bad""#), "\(reason)")

        let selector = "{cluster=\"\(cluster)\"}"
        let buckets = try await awaitSeries("\(histogramName)_bucket\(selector)", minimum: 10, receiver: receiver)
        var cumulative: [String: [String: Double]] = [:]
        for series in buckets {
            #expect(series.labels["job"] == "rw-histogram" && series.labels["route"] != "/bad", "\(series.labels)")
            cumulative[series.labels["route"] ?? "?", default: [:]][series.labels["le"] ?? "?"] = series.value
        }
        #expect(cumulative == [
            "/a": ["0.1": 2, "0.5": 5, "1": 9, "5": 10, "+Inf": 10],
            "/b": ["0.1": 0, "0.5": 0, "1": 5, "5": 10, "+Inf": 12],
        ])
        func byRoute(_ promql: String) throws -> [String: Double] {
            let series = try query(promql, port: receiver.port)
            return Dictionary(series.map { ($0.labels["route"] ?? "?", $0.value) }, uniquingKeysWith: { first, _ in first })
        }
        #expect(try byRoute("\(histogramName)_sum\(selector)") == ["/a": 7.25, "/b": 41.5])
        #expect(try byRoute("\(histogramName)_count\(selector)") == ["/a": 10, "/b": 12])
        // /a: rank 5 of 10 ends bucket (0.1, 0.5]; /b: rank 6 of 12 is the first of the 5 in
        // (1, 5], interpolated linearly: 1 + 4 × 1/5.
        let median = try byRoute("histogram_quantile(0.5, \(histogramName)_bucket\(selector))")
        #expect(Set(median.keys) == ["/a", "/b"])
        #expect(abs((median["/a"] ?? .nan) - 0.5) < 1e-9 && abs((median["/b"] ?? .nan) - 1.8) < 1e-9, "\(median)")
    }
}
