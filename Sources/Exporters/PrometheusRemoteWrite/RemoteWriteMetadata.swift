import Telemetry

/// The `metadata` of a request: one entry per metric family (TYPE, HELP, unit), which
/// Prometheus keeps for its UI and /api/v1/metadata, and Grafana shows as help text.
struct RemoteWriteMetadata {
    private var seen: Set<String> = []
    private(set) var entries: [Prometheus_MetricMetadata] = []

    /// Records `family` under its (sanitized) name, once per request.
    mutating func add(_ family: MetricFamily, name: String) {
        guard seen.insert(name).inserted else { return }
        var entry = Prometheus_MetricMetadata()
        entry.metricFamilyName = name
        entry.type = switch family.kind {
        case .counter: .counter
        case .gauge, .upDownCounter: .gauge
        case .histogram: .histogram
        }
        entry.help = family.help
        entry.unit = Self.unit(family.unit)
        entries.append(entry)
    }

    /// OpenTelemetry's UCUM units in Prometheus' words (`By` → `bytes`); `1` and
    /// annotations like `{packets}` say nothing a unit should.
    static func unit(_ ucum: String) -> String {
        switch ucum {
        case "", "1": return ""
        case "By": return "bytes"
        case "s": return "seconds"
        case "ms": return "milliseconds"
        case "us": return "microseconds"
        case "ns": return "nanoseconds"
        case "%": return "percent"
        default: return ucum.hasPrefix("{") && ucum.hasSuffix("}") ? "" : ucum
        }
    }
}
