import Foundation
import TestSupport
import Testing

/// Outrider's host metrics against the real node_exporter on the same machine, scraped back
/// to back: a platform team replacing node_exporter keeps its dashboards only if names,
/// label sets and values agree.
@Suite("host_metrics agrees with node_exporter")
struct NodeExporterCrossCheckTests {
    /// node_exporter collectors Outrider covers, and the flags that enable exactly them.
    static let collectors = ["cpu", "stat", "meminfo", "loadavg", "pressure", "netdev", "diskstats", "filesystem"]

    /// Families node_exporter has that Outrider leaves out, with the reason.
    static let notCovered: [String: String] = [
        "node_disk_info": "device model and serial come from udev's database, not /proc",
        "node_exporter_build_info": "node_exporter's own",
        "node_scrape_collector_duration_seconds": "node_exporter's own",
        "node_scrape_collector_success": "node_exporter's own (Outrider: outrider_collector_errors_total)",
    ]

    /// Debian's node_exporter package changes the mount-point default (hides /run, /mnt,
    /// /media); the Outrider side is configured the same way so both see the same mounts.
    static let config = """
        log: {level: info, format: json}
        server: {listen: "127.0.0.1:0"}
        sources:
          host:
            type: host_metrics
            collectors: [cpu, memory, load, pressure, network, disk, filesystem]
            filesystem:
              mount_points_exclude: [/dev, /proc, /run, /sys, /mnt, /media, "/var/lib/docker/*", "/var/lib/containers/storage/*"]
        """

    @Test func sameSeriesSameLabelsAgreeingValues() async throws {
        guard let nodeExporter = Prerequisite.executable(
            "prometheus-node-exporter", installHint: "apt-get install prometheus-node-exporter") else { return }
        let directory = try TemporaryDirectory()
        let file = try directory.write("outrider.yaml", Self.config)
        let agent = try AgentProcess(["run", "--config", file])
        let port = try #require(await agent.listeningPort(), "\(agent.text)")

        let nodePort = freeLoopbackPort()
        let node = try AgentProcess(
            ["--web.listen-address=127.0.0.1:\(nodePort)", "--collector.disable-defaults"]
                + Self.collectors.map { "--collector.\($0)" },
            executable: nodeExporter)
        #expect(await eventually { (try? RawHTTP.get("/metrics", port: nodePort).status) == 200 }, "\(node.text)")

        // node_exporter, Outrider, node_exporter again: Outrider's read happened between two
        // node_exporter reads, so a value that moved meanwhile (the test runner starts
        // processes in parallel) is checked against the range node_exporter saw it cover.
        let theirs = PrometheusExposition(try RawHTTP.get("/metrics", port: nodePort).body)
        let ours = PrometheusExposition(try RawHTTP.get("/metrics", port: port).body)
        let theirsAfter = PrometheusExposition(try RawHTTP.get("/metrics", port: nodePort).body)

        let theirNames = theirs.names.filter { $0.hasPrefix("node_") && Self.notCovered[$0] == nil }
        let missing = theirNames.subtracting(ours.names).sorted()
        #expect(missing.isEmpty, "node_exporter series Outrider lacks: \(missing)")
        let common = theirNames.intersection(ours.names).sorted()
        #expect(common.count > 50, "only \(common.count) families in common")

        var compared = 0
        for name in common {
            let mine = ours.samples[name]!, other = theirs.samples[name]!
            #expect(Set(mine.keys) == Set(other.keys), "\(name): label sets differ: ours \(mine.keys.sorted()) theirs \(other.keys.sorted())")
            #expect(ours.types[name] == theirs.types[name], "\(name): TYPE \(ours.types[name] ?? "-") vs \(theirs.types[name] ?? "-")")
            for (labels, value) in other {
                guard let our = mine[labels] else { continue }
                let later = theirsAfter.samples[name]?[labels] ?? value
                let (low, high) = (min(value, later), max(value, later))
                let tolerance = Self.tolerance(name, high)
                #expect(our >= low - tolerance && our <= high + tolerance,
                        "\(name){\(labels)}: ours \(our), node_exporter \(value) then \(later), allowed ±\(tolerance)")
                compared += 1
            }
        }
        #expect(compared > 100)
        agent.signal(SIGTERM)
        node.signal(SIGTERM)
        _ = await agent.waitForExit(within: 10)
        _ = await node.waitForExit(within: 10)
    }

    /// How far two reads a few milliseconds apart may differ, by what the series measures.
    static func tolerance(_ name: String, _ value: Double) -> Double {
        let magnitude = abs(value)
        switch name {
        // Fixed for the life of the machine or the mount: must be equal.
        case "node_memory_MemTotal_bytes", "node_memory_SwapTotal_bytes", "node_boot_time_seconds",
             "node_filesystem_size_bytes", "node_filesystem_files", "node_filesystem_readonly", "node_filesystem_device_error",
             "node_memory_HugePages_Total", "node_memory_Hugepagesize_bytes", "node_memory_DirectMap4k_bytes",
             "node_memory_DirectMap2M_bytes", "node_memory_DirectMap1G_bytes", "node_memory_VmallocTotal_bytes",
             "node_memory_CommitLimit_bytes":
            return 0
        // Instantaneous counts that change every moment: only their presence is compared.
        case "node_procs_running", "node_procs_blocked", "node_disk_io_now":
            return .infinity
        // Load averages are recomputed every 5 s by the kernel; both read the same value
        // unless the update falls between the two reads.
        case "node_load1", "node_load5", "node_load15":
            return 0.5
        default:
            break
        }
        if name.hasPrefix("node_cpu_") || name.hasPrefix("node_pressure_") {
            // 1% plus what 2 CPUs can accumulate between two reads ~50 ms apart.
            return magnitude * 0.01 + 0.5
        }
        if name.hasSuffix("_total") {
            // Counters: 1%, plus the activity of the scrapes themselves (a few packets,
            // context switches and interrupts; a few KiB of disk or network bytes).
            return magnitude * 0.01 + (name.contains("bytes") ? 256 * 1024 : 2000)
        }
        // Other memory and filesystem gauges move with every process on the machine, the
        // test runner included: 2% or 64 MiB, whichever is larger.
        return max(magnitude * 0.02, 64 * 1024 * 1024)
    }
}
