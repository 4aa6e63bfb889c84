import Telemetry
import Exporters
import FoundationEssentials

/// The JSON bodies of /status, /healthz and /readyz.
struct StatusDocument: Encodable {
    struct Config: Encodable {
        var file: String
        var generation: Int
        var loadedAt: String
        var lastReload: LastReload?

        enum CodingKeys: String, CodingKey {
            case file, generation
            case loadedAt = "loaded_at"
            case lastReload = "last_reload"
        }
    }

    struct LastReload: Encodable {
        var result: String
        var time: String
        var errors: [String]
    }

    struct Component: Encodable {
        struct LastError: Encodable {
            var message: String
            var time: String
        }

        var name: String
        var kind: String
        var state: String
        var since: String
        var ready: Bool
        var counters: [String: Int]
        var lastError: LastError?
        var problems: [String]?

        enum CodingKeys: String, CodingKey {
            case name, kind, state, since, ready, counters, problems
            case lastError = "last_error"
        }
    }

    /// One exporter's buffer and delivery state.
    struct Buffer: Encodable {
        var exporter: String
        var type: String
        var whenFull: String
        var events: Int
        var bytes: Int
        var capacityBytes: Int
        var dropped: [String: UInt64]
        var sent: ExporterStatsFamilies.Summary

        enum CodingKeys: String, CodingKey {
            case exporter, type, events, bytes, dropped, sent
            case whenFull = "when_full"
            case capacityBytes = "capacity_bytes"
        }
    }

    var status: String
    var version: String
    var revision: String
    var startedAt: String
    var uptimeSeconds: Double
    var live: Bool
    var ready: Bool
    var notReadyReasons: [String]
    var config: Config
    var components: [Component]
    var buffers: [Buffer]

    enum CodingKeys: String, CodingKey {
        case status, version, revision, live, ready, config, components, buffers
        case startedAt = "started_at"
        case uptimeSeconds = "uptime_seconds"
        case notReadyReasons = "not_ready_reasons"
    }

    init(health: HealthRegistry, config: ConfigState, pipelines: PipelineStats) {
        let now = health.clock.now()
        let (live, _) = health.liveness()
        let (ready, reasons) = health.readiness()
        status = !live ? "failed" : health.phase.rawValue
        version = BuildInfo.version
        revision = BuildInfo.gitCommit
        startedAt = RFC3339.string(health.startTime, fractionDigits: 3)
        uptimeSeconds = Double(now.nanosecondsSinceEpoch - health.startTime.nanosecondsSinceEpoch) / 1e9
        self.live = live
        self.ready = ready
        notReadyReasons = reasons
        self.config = Config(
            file: config.config.file, generation: config.generation, loadedAt: RFC3339.string(config.loadedAt, fractionDigits: 3),
            lastReload: config.lastReload.map {
                LastReload(result: $0.succeeded ? "success" : "failure", time: RFC3339.string($0.time, fractionDigits: 3), errors: $0.errors)
            })
        components = health.components.map { status in
            Component(
                name: status.name, kind: status.kind, state: status.state.rawValue, since: RFC3339.string(status.since, fractionDigits: 3),
                ready: status.ready, counters: status.counters,
                lastError: status.lastError.map { .init(message: $0.message, time: RFC3339.string($0.time, fractionDigits: 3)) },
                problems: status.problems.isEmpty ? nil : status.problems)
        }
        buffers = pipelines.exporterEntries.map { entry in
            let stats = entry.buffer.stats
            return Buffer(
                exporter: entry.name, type: stats.kind, whenFull: entry.buffer.whenFull.rawValue, events: stats.events,
                bytes: stats.bytes, capacityBytes: stats.capacityBytes, dropped: stats.dropped.snapshot,
                sent: ExporterStatsFamilies.summary(entry.stats))
        }
    }

    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? Array(encoder.encode(value))) ?? Array(#"{"status":"error"}"#.utf8)
    }
}

/// `/healthz` body.
struct LivenessDocument: Encodable {
    struct Failure: Encodable {
        var component: String
        var kind: String
        var error: String?
    }

    var status: String
    var failed: [Failure]
}

/// `/readyz` body.
struct ReadinessDocument: Encodable {
    var status: String
    var reasons: [String]
}
