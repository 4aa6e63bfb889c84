@testable import Agent
import Pipeline
import Foundation
import HostMetrics
import Logging
import Synchronization
import Telemetry
import TestSupport
import Testing
import YAML

@Suite("host_metrics source: /metrics, failures, coalescing, interval delivery", .serialized)
struct HostMetricsSourceTests {
    /// A minimal host: CPU, memory and load files, and no /proc/pressure.
    static func fakeProc(in directory: TemporaryDirectory) throws -> String {
        try directory.write("proc/stat", "cpu  200 0 100 2000 0 0 0 0 0 0\ncpu0 200 0 100 2000 0 0 0 0 0 0\nbtime 1700000000\nctxt 5\nprocesses 7\nprocs_running 1\nprocs_blocked 0\n")
        try directory.write("proc/meminfo", "MemTotal:        1024 kB\nMemAvailable:     512 kB\nHugePages_Total:       0\n")
        try directory.write("proc/loadavg", "0.50 0.25 0.10 1/100 4242\n")
        return directory.path + "/proc"
    }

    @Test func realHostSeriesAreServedAndPromtoolOnlyObjectsToNodeExporterOwnNames() async throws {
        let agent = try await RunningAgent(config: """
            server: {listen: "127.0.0.1:0"}
            sources:
              host: {type: host_metrics}
            """)
        let body = try agent.get("/metrics").body
        _ = try await agent.stop()
        for series in ["node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"}", "node_memory_MemTotal_bytes ", "node_load1 ",
                       "node_network_receive_bytes_total{device=", "node_disk_read_bytes_total{device=",
                       "node_filesystem_avail_bytes{device=", "container_cpu_usage_seconds_total{id=",
                       "container_memory_working_set_bytes{id=", "outrider_collector_errors_total{collector=\"cpu\"} 0"] {
            #expect(body.contains(series), "missing \(series)")
        }
        guard let promtool = Prerequisite.executable("promtool", installHint: "apt-get install prometheus") else { return }
        let result = try Command.run(promtool, ["check", "metrics"], input: Array(body.utf8))
        // node_exporter's own meminfo names (node_memory_MemTotal_bytes, …) are camelCase;
        // dashboards depend on them, so that lint is the one promtool may raise.
        let complaints = result.output.split(separator: "\n").filter {
            !($0.hasPrefix("node_memory_") && $0.hasSuffix("metric names should be written in 'snake_case' not 'camelCase'"))
        }
        #expect(complaints.isEmpty, "promtool: \(complaints)")
    }

    @Test func aMissingCollectorIsReportedOnceAndTheOthersGoOn() async throws {
        let directory = try TemporaryDirectory()
        let proc = try Self.fakeProc(in: directory)
        let agent = try await RunningAgent(config: """
            server: {listen: "127.0.0.1:0"}
            sources:
              host: {type: host_metrics, proc_root: \(proc), collectors: [cpu, memory, load, pressure]}
            """)
        var body = ""
        for _ in 0..<3 { body = try agent.get("/metrics").body }
        #expect(body.contains("node_load1 0.5"))
        #expect(body.contains("node_memory_MemTotal_bytes 1048576"))
        #expect(body.contains("node_cpu_seconds_total{cpu=\"0\",mode=\"user\"} 2"))
        #expect(!body.contains("node_pressure_"))
        let pressureErrors = PrometheusExposition(body).samples["outrider_collector_errors_total"]?["collector=\"pressure\""] ?? 0
        #expect(pressureErrors >= 3)
        #expect(body.contains("outrider_collector_errors_total{collector=\"cpu\"} 0"))
        #expect(agent.capture.all.filter { $0.contains("collector failed") }.count == 1, "\(agent.logs)")

        let status = try JSONSerialization.jsonObject(with: Data(try agent.get("/status").body.utf8)) as! [String: Any]
        let host = (status["components"] as! [[String: Any]]).first { $0["name"] as? String == "host" }!
        let lastError = (host["last_error"] as? [String: Any])?["message"] as? String ?? ""
        #expect(lastError.hasPrefix("collector pressure: "), "\(lastError)")
        #expect(status["ready"] as? Bool == true)
        _ = try await agent.stop()
    }

    /// Stands in for a slow /proc (a busy node): each collection takes 100 ms.
    struct SlowCollector: HostCollector {
        let name = "slow"
        let runs: Counter

        final class Counter: Sendable {
            let value = Mutex(0)
        }

        func collect(into families: inout [MetricFamily]) throws {
            runs.value.withLock { $0 += 1 }
            usleep(100_000)
            families.append(MetricFamily(name: "slow_total", help: "x", kind: .counter, samples: [.init(labels: [:], value: 1)]))
        }
    }

    @Test func concurrentScrapesShareCollections() async throws {
        let runs = SlowCollector.Counter()
        let coalescer = ScrapeCoalescer(collection: HostMetricsCollection(collectors: [SlowCollector(runs: runs)])) { _ in }
        // Ten scrapes arrive together: the first collects; the nine that waited for it find
        // it started before they arrived, so one more collection serves all nine.
        let threads = (0..<10).map { _ in Thread { _ = coalescer.fresh() } }
        threads.forEach { $0.start() }
        #expect(await eventually(within: 5) { runs.value.withLock { $0 } >= 2 && threads.allSatisfy(\.isFinished) })
        #expect(runs.value.withLock { $0 } == 2)
        // A scrape after that collects afresh: no cached values are served stale.
        _ = coalescer.fresh()
        #expect(runs.value.withLock { $0 } == 3)
    }

    @Test func batchesReachThePipelineEveryInterval() async throws {
        let directory = try TemporaryDirectory()
        var config = HostMetricsSourceConfig()
        config.paths = HostPaths(procRoot: try Self.fakeProc(in: directory))
        config.collectors = [.load, .memory]
        config.interval = ConfigDuration(.seconds(1))
        let buffer = MemoryBuffer(maxBytes: 1 << 24, whenFull: .block)
        let pipeline = SourceOutput(routes: [.init(pipeline: "metrics", signal: .metrics, processors: [], buffers: [buffer])])
        let health = HealthRegistry()
        let output = LogOutput(settings: LogSettings(), sink: LineCapture().sink)
        let context = ComponentContext(
            name: "host", kind: .source, logger: Logger(label: "t") { AgentLogHandler(label: $0, output: output) },
            health: health.register(name: "host", kind: "source", gatesReadiness: true), clock: .system,
            metrics: SelfMetrics(), output: pipeline)
        let service = try config.makeService(context)
        let task = Task { try await service.run() }
        var batches: [MetricBatch] = []
        while batches.count < 2, let taken = await buffer.nextBatch(BatchLimits(maxEvents: .max, maxBytes: .max, maxWait: .zero)) {
            for case .metrics(let batch) in taken.batches.map(\.payload) { batches.append(batch) }
            buffer.complete(taken, delivered: true)
        }
        task.cancel()
        _ = try? await task.value
        let names = Set(batches[0].families.map(\.name))
        #expect(names.isSuperset(of: ["node_load1", "node_memory_MemTotal_bytes", "outrider_collector_errors_total"]))
        let gap = batches[1].timestamp.nanosecondsSinceEpoch - batches[0].timestamp.nanosecondsSinceEpoch
        // Every configured second, not the 10 s default; a loaded 2-core CI run delayed one
        // batch to 3.8 s, hence the room above.
        #expect(gap >= 900_000_000 && gap < 8_000_000_000, "batches \(gap) ns apart")
        #expect(health.readiness().reasons.allSatisfy { !$0.contains("host") })
    }
}
