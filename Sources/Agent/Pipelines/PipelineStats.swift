import Exporters
import Pipeline
import Synchronization
import Telemetry

/// The pipelines' own state for /metrics and /status: each exporter's buffer and delivery
/// counters, each processor's counters. Filled once when the pipelines are assembled.
final class PipelineStats: Sendable {
    struct ExporterEntry: Sendable {
        let name: String
        let buffer: any TelemetryBuffer
        let stats: ExporterStats
    }

    private let exporters = Mutex<[ExporterEntry]>([])
    private let processors = Mutex<[any Processor]>([])

    func add(exporter name: String, buffer: any TelemetryBuffer, stats: ExporterStats) {
        exporters.withLock { $0.append(ExporterEntry(name: name, buffer: buffer, stats: stats)) }
    }

    func add(processor: any Processor) {
        processors.withLock { $0.append(processor) }
    }

    var exporterEntries: [ExporterEntry] { exporters.withLock { $0 } }

    /// `outrider_buffer_*` and `outrider_exporter_*` families, one series per exporter.
    func families() -> [MetricFamily] {
        let entries = exporterEntries
        guard !entries.isEmpty else { return [] }
        var events = MetricFamily(name: "outrider_buffer_events", help: "Events held in the exporter's buffer (queued and in flight).", kind: .gauge)
        var bytes = MetricFamily(name: "outrider_buffer_bytes", help: "Bytes held in the exporter's buffer (memory: estimated; disk: segment files).", kind: .gauge, unit: "By")
        var capacity = MetricFamily(name: "outrider_buffer_capacity_bytes", help: "The exporter buffer's size limit.", kind: .gauge, unit: "By")
        var dropped = MetricFamily(name: "outrider_buffer_dropped_total", help: "Events dropped by the exporter's buffer or delivery loop, by reason.", kind: .counter)
        for entry in entries {
            let stats = entry.buffer.stats
            let exporter: Labels = ["exporter": entry.name]
            events.add(Double(stats.events), exporter)
            bytes.add(Double(stats.bytes), exporter)
            capacity.add(Double(stats.capacityBytes), exporter)
            for (reason, count) in stats.dropped.snapshot.sorted(by: { $0.key < $1.key }) {
                dropped.add(Double(count), ["exporter": entry.name, "reason": reason])
            }
        }
        return [events, bytes, capacity, dropped] + ExporterStatsFamilies.families(entries.map { ($0.name, $0.stats) })
            + processorFamilies()
    }

    private func processorFamilies() -> [MetricFamily] {
        var byName: [String: MetricFamily] = [:]
        var order: [String] = []
        for processor in processors.withLock({ $0 }) {
            for counter in processor.counters {
                if byName[counter.metric] == nil {
                    byName[counter.metric] = MetricFamily(name: counter.metric, help: counter.help, kind: .counter)
                    order.append(counter.metric)
                }
                for (key, count) in counter.counts.snapshot.sorted(by: { $0.key < $1.key }) {
                    var labels: Labels = ["processor": processor.name]
                    labels.pairs += counter.constantLabels.pairs
                    labels.pairs.append((name: counter.label, value: key))
                    byName[counter.metric]!.add(Double(count), labels)
                }
            }
        }
        return order.compactMap { byName[$0] }
    }
}
