import Prometheus
import Receivers
import Telemetry

/// An `otlp` source's counters on /metrics (`outrider_receiver_*{receiver}`), fed with the
/// receiver's cumulative `ReceiverStats` once a second, not per request.
struct OTLPSourceMetrics {
    private let registry: PrometheusCollectorRegistry
    private let receiver: String
    private var counters: [[String]: Counter] = [:]
    private var previous = ReceiverStats.Snapshot()
    private let openConnections: Gauge
    private let refusedConnections: Counter

    private enum Family {
        case requests, accepted, refused, bodyBytes

        var descriptor: MetricNameDescriptor {
            switch self {
            case .requests:
                .outrider(
                    "receiver_requests", unit: "total",
                    help: "OTLP requests answered, by signal and HTTP status code (0: the client left before its answer).")
            case .accepted:
                .outrider("receiver_accepted_items", unit: "total", help: "Spans, log records and data points handed to the pipelines.")
            case .refused:
                .outrider(
                    "receiver_refused_items", unit: "total",
                    help: "Items not taken: full (503, the sender retries), rejected (partial_success), shutdown (503 while stopping).")
            case .bodyBytes:
                .outrider("receiver_request_body_bytes", unit: "total", help: "Request body bytes read, as sent (compressed when gzip).")
            }
        }
    }

    /// Series of the signals the receiver serves start at 0, so rate() sees their first increase.
    init(registry: PrometheusCollectorRegistry, receiver: String, signals: [Signal]) {
        self.registry = registry
        self.receiver = receiver
        openConnections = registry.makeGauge(
            descriptor: .outrider("receiver_open_connections", help: "Connections open to the OTLP receiver, kept-alive ones included."),
            labels: [("receiver", receiver)])
        refusedConnections = registry.makeCounter(
            descriptor: .outrider(
                "receiver_refused_connections", unit: "total", help: "Connections closed on arrival because max_connections were open."),
            labels: [("receiver", receiver)])
        for signal in signals {
            _ = counter(.requests, [("signal", signal.rawValue), ("code", "200")])
            _ = counter(.accepted, [("signal", signal.rawValue)])
            for reason in ReceiverStats.Refusal.allCases {
                _ = counter(.refused, [("signal", signal.rawValue), ("reason", reason.rawValue)])
            }
            _ = counter(.bodyBytes, [("signal", signal.rawValue)])
        }
    }

    /// Adds what changed since the last update; returns the newly accepted items.
    mutating func update(_ stats: ReceiverStats.Snapshot, openConnections connections: Int) -> Int {
        openConnections.set(to: Double(connections))
        if stats.refusedConnections > previous.refusedConnections {
            refusedConnections.increment(by: Int64(stats.refusedConnections - previous.refusedConnections))
        }
        for (key, count) in stats.requests {
            add(count, over: previous.requests[key], to: .requests, [("signal", key.signal), ("code", String(key.code))])
        }
        var acceptedNow = 0
        for (signal, count) in stats.acceptedItems {
            acceptedNow += Int(count - (previous.acceptedItems[signal] ?? 0))
            add(count, over: previous.acceptedItems[signal], to: .accepted, [("signal", signal.rawValue)])
        }
        for (key, count) in stats.refusedItems {
            add(count, over: previous.refusedItems[key], to: .refused, [("signal", key.signal.rawValue), ("reason", key.reason.rawValue)])
        }
        for (signal, count) in stats.bodyBytes {
            add(count, over: previous.bodyBytes[signal], to: .bodyBytes, [("signal", signal)])
        }
        previous = stats
        return acceptedNow
    }

    private mutating func add(_ count: UInt64, over before: UInt64?, to family: Family, _ labels: [(String, String)]) {
        let delta = count - (before ?? 0)
        guard delta > 0 else { return }
        counter(family, labels).increment(by: Int64(delta))
    }

    private mutating func counter(_ family: Family, _ labels: [(String, String)]) -> Counter {
        let labels = [("receiver", receiver)] + labels
        let key = ["\(family)"] + labels.flatMap { [$0.0, $0.1] }
        if let existing = counters[key] { return existing }
        let made = registry.makeCounter(descriptor: family.descriptor, labels: labels)
        counters[key] = made
        return made
    }
}
