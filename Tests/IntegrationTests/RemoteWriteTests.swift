import Foundation
import TestSupport
import Testing

/// host_metrics → `prometheus_remote_write` → a real receiver, started here on 127.0.0.1:
/// Prometheus (`--web.enable-remote-write-receiver`) and VictoriaMetrics (`/api/v1/write`).
/// What a user queries afterwards must be what the host says: MemTotal as /proc/meminfo
/// has it, each node_cpu_seconds_total{cpu,mode} between /proc/stat read before and after,
/// with the agent's own label sets plus `job` (service.name) and the external label.
@Suite("prometheus_remote_write into real Prometheus and VictoriaMetrics", .timeLimit(.minutes(3)))
struct RemoteWriteTests {
    static let cluster = "it-\(UInt32.random(in: 0...UInt32.max))"
    /// What the agent puts in service.instance.id: gethostname(2), as in the agent.
    static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, 255) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func agentConfig(writeURL: String) -> String {
        """
        service: {name: rw-test}
        log: {level: info, format: json}
        server: {listen: "127.0.0.1:0"}
        sources:
          host:
            type: host_metrics
            interval: 1s
            collectors: [cpu, memory]
        exporters:
          receiver:
            type: prometheus_remote_write
            endpoint: \(writeURL)
            external_labels: {cluster: \(cluster)}
            batch: {max_wait: 200ms}
            retry: {initial_backoff: 100ms, max_backoff: 1s}
        pipelines:
          metrics: {sources: [host], exporters: [receiver]}
        """
    }

    /// A receiver on 127.0.0.1, its data in a directory of its own.
    struct Receiver {
        var process: AgentProcess
        var port: Int
        /// Makes what was written queryable (VictoriaMetrics buffers recent rows).
        var flush: @Sendable () -> Void = {}
    }

    static func startPrometheus(_ directory: TemporaryDirectory) async throws -> Receiver? {
        guard let prometheus = Prerequisite.executable("prometheus", installHint: "apt-get install prometheus") else { return nil }
        let config = try directory.write("prometheus.yml", "global: {}\nscrape_configs: []\n")
        let port = freeLoopbackPort()
        let process = try AgentProcess([
            "--config.file=\(config)", "--storage.tsdb.path=\(directory.path)/prometheus-data",
            "--web.listen-address=127.0.0.1:\(port)", "--web.enable-remote-write-receiver", "--log.level=warn",
        ], executable: prometheus)
        let ready = await eventually(within: 30) { (try? RawHTTP.get("/-/ready", port: port).status) == 200 }
        try #require(ready, "Prometheus did not become ready:\n\(process.text)")
        return Receiver(process: process, port: port)
    }

    static func startVictoriaMetrics(_ directory: TemporaryDirectory) async throws -> Receiver? {
        guard let victoria = Prerequisite.executable("victoria-metrics", installHint: "apt-get install victoria-metrics") else {
            return nil
        }
        let port = freeLoopbackPort()
        // Without these, rows are visible only 30s after their timestamp and responses are
        // cached: a test would wait or read stale answers.
        let process = try AgentProcess([
            "-storageDataPath=\(directory.path)/vm-data", "-httpListenAddr=127.0.0.1:\(port)", "-retentionPeriod=1d",
            "-search.latencyOffset=0s", "-search.disableCache", "-loggerLevel=WARN",
        ], executable: victoria)
        let ready = await eventually(within: 30) { (try? RawHTTP.get("/health", port: port).status) == 200 }
        try #require(ready, "VictoriaMetrics did not become ready:\n\(process.text)")
        return Receiver(process: process, port: port, flush: { _ = try? RawHTTP.get("/internal/force_flush", port: port) })
    }

    struct Series {
        var labels: [String: String]
        var value: Double
    }

    /// An instant query through the HTTP API both receivers share.
    static func query(_ promql: String, port: Int) throws -> [Series] {
        let encoded = promql.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let response = try RawHTTP.get("/api/v1/query?query=\(encoded)", port: port)
        guard response.status == 200,
              let root = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any],
              let data = root["data"] as? [String: Any], let result = data["result"] as? [[String: Any]]
        else { throw RawHTTP.Failure(description: "query \(promql): \(response.status) \(response.body.prefix(300))") }
        return result.compactMap { item in
            guard let labels = item["metric"] as? [String: String], let value = item["value"] as? [Any], value.count == 2,
                  let text = value[1] as? String, let number = Double(text) else { return nil }
            return Series(labels: labels, value: number)
        }
    }

    /// Polls (bounded) until `promql` returns at least `minimum` series.
    static func awaitSeries(_ promql: String, minimum: Int = 1, receiver: Receiver, within seconds: Int = 60) async throws -> [Series] {
        var series: [Series] = []
        for _ in 0..<(seconds * 4) {
            receiver.flush()
            series = (try? query(promql, port: receiver.port)) ?? []
            if series.count >= minimum { return series }
            try await Task.sleep(for: .milliseconds(250))
        }
        return series
    }

    /// node_exporter's node_cpu_seconds_total from /proc/stat: "cpu mode" → seconds.
    static func procStatCPU() throws -> [String: Double] {
        let modes = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"]
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        var seconds: [String: Double] = [:]
        for line in try String(contentsOfFile: "/proc/stat", encoding: .utf8).split(separator: "\n") where line.hasPrefix("cpu") {
            let fields = line.split(separator: " ")
            guard fields[0] != "cpu", fields.count > modes.count else { continue }
            let cpu = fields[0].dropFirst(3)
            for (index, mode) in modes.enumerated() {
                seconds["\(cpu) \(mode)"] = Double(fields[index + 1])! / ticksPerSecond
            }
        }
        return seconds
    }

    static func memTotalBytes() throws -> Double {
        let line = try #require(try String(contentsOfFile: "/proc/meminfo", encoding: .utf8).split(separator: "\n").first { $0.hasPrefix("MemTotal:") })
        return try #require(Double(line.split(separator: " ")[1])) * 1024
    }

    /// The agent against `receiver`: what a user would query afterwards.
    func exportAndQuery(_ receiver: Receiver, writePath: String, directory: TemporaryDirectory) async throws {
        let before = try Self.procStatCPU()
        let file = try directory.write("outrider.yaml", Self.agentConfig(writeURL: "http://127.0.0.1:\(receiver.port)\(writePath)"))
        let agent = try AgentProcess(["run", "--config", file])
        let port = try #require(await agent.listeningPort(), "\(agent.text)")

        let memory = try await Self.awaitSeries("node_memory_MemTotal_bytes{cluster=\"\(Self.cluster)\"}", receiver: receiver)
        #expect(memory.count == 1, "\(memory)\n\(agent.text)")
        // `instance` is the agent's host name (service.instance.id): replicas' series stay apart.
        #expect(memory.first?.labels == [
            "__name__": "node_memory_MemTotal_bytes", "job": "rw-test", "cluster": Self.cluster, "instance": Self.hostName,
        ])
        #expect(memory.first?.value == (try Self.memTotalBytes()))

        let cpus = before.count
        let cpu = try await Self.awaitSeries("node_cpu_seconds_total{cluster=\"\(Self.cluster)\"}", minimum: cpus, receiver: receiver)
        let after = try Self.procStatCPU()
        #expect(cpu.count == cpus, "series: \(cpu.map(\.labels))")
        for series in cpu {
            #expect(Set(series.labels.keys) == ["__name__", "cluster", "cpu", "instance", "job", "mode"], "\(series.labels)")
            #expect(series.labels["job"] == "rw-test")
            let key = "\(series.labels["cpu"] ?? "?") \(series.labels["mode"] ?? "?")"
            guard let low = before[key], let high = after[key] else {
                Issue.record("no /proc/stat counterpart for \(series.labels)")
                continue
            }
            #expect(series.value >= low - 0.01 && series.value <= high + 0.01, "\(key): \(series.value) not in \(low)...\(high)")
        }
        // The agent's own /metrics has the same label sets (without job and cluster).
        let exposed = PrometheusExposition(try RawHTTP.get("/metrics", port: port).body)
        let written = Set(cpu.map { "cpu=\"\($0.labels["cpu"]!)\",mode=\"\($0.labels["mode"]!)\"" })
        #expect(Set(exposed.samples["node_cpu_seconds_total"].map { Array($0.keys) } ?? []) == written)

        let metrics = PrometheusExposition(try RawHTTP.get("/metrics", port: port).body)
        #expect(metrics.samples["outrider_exporter_requests_total"]?[#"exporter="receiver",result="permanent""#] == 0)
        #expect((metrics.samples["outrider_exporter_requests_total"]?[#"exporter="receiver",result="success""#] ?? 0) >= 1)
        agent.signal(SIGTERM)
        #expect(await agent.waitForExit(within: 20) == 0, "\(agent.text)")
    }

    @Test func prometheusQueriesWhatTheHostSays() async throws {
        let directory = try TemporaryDirectory()
        guard let receiver = try await Self.startPrometheus(directory) else { return }
        try await exportAndQuery(receiver, writePath: "/api/v1/write", directory: directory)
        receiver.process.signal(SIGTERM)
        #expect(await receiver.process.waitForExit(within: 20) == 0, "\(receiver.process.text)")
    }

    @Test func victoriaMetricsQueriesWhatTheHostSays() async throws {
        let directory = try TemporaryDirectory()
        guard let receiver = try await Self.startVictoriaMetrics(directory) else { return }
        try await exportAndQuery(receiver, writePath: "/api/v1/write", directory: directory)
        receiver.process.signal(SIGTERM)
        #expect(await receiver.process.waitForExit(within: 20) == 0, "\(receiver.process.text)")
    }
}
