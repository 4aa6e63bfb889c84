import Foundation
import Telemetry
import Testing
@testable import HostMetrics

/// Against `Fixtures/process/proc` (see its README): 4242 is `my-app` with a full stat and four
/// fds; 4243 (`outrider-sidecar`) and 4244 (argv[0] `my-app`) have comm/cmdline but no stat,
/// so the finder lists them and the sample read fails, as for a process that just exited.
/// That tree has no `stat` file, so the boot time is 0 there.
@Suite struct CollectorWatchedProcessTests {
    static let paths = HostPaths(procRoot: ProcessCgroupFixtures.path("process/proc"))
    static let ticks = SystemConstants.clockTicksPerSecond
    static let page = Double(SystemConstants.pageSize)
    static let familyNames = [
        "outrider_watched_process_cpu_seconds_total", "outrider_watched_process_resident_memory_bytes",
        "outrider_watched_process_threads", "outrider_watched_process_open_fds",
        "outrider_watched_process_start_time_seconds",
    ]

    @Test func byNameSamplesTheProcessesThatCanBeRead() throws {
        // The finder returns [4242, 4244]; 4244 has no stat and is skipped, not fatal.
        #expect(try ProcessFinder.pids(named: "my-app", procRoot: Self.paths.procRoot) == [4242, 4244])
        let collector = WatchedProcessCollector(paths: Self.paths, target: .name("my-app"))
        #expect(collector.name == "process")
        let families = try HostFixture.collect(collector)
        #expect(families.names == Self.familyNames)
        for family in families {
            #expect(family.samples.map(\.labels) == [["name": "my-app", "pid": "4242"]], "\(family.name)")
        }
        let labels = ["name": "my-app", "pid": "4242"]
        // utime 1234 + stime 567 ticks; rss 25600 pages; 8 threads; fd/ has 4 entries;
        // starttime 98765 ticks after a boot time of 0 (no stat in the tree).
        #expect(families.value("outrider_watched_process_cpu_seconds_total", labels) == 1801 / Self.ticks)
        #expect(families.value("outrider_watched_process_resident_memory_bytes", labels) == 25600 * Self.page)
        #expect(families.value("outrider_watched_process_threads", labels) == 8)
        #expect(families.value("outrider_watched_process_open_fds", labels) == 4)
        #expect(families.value("outrider_watched_process_start_time_seconds", labels) == 98765 / Self.ticks)
        #expect(families.family("outrider_watched_process_cpu_seconds_total")?.kind == .counter)
        #expect(families.family("outrider_watched_process_resident_memory_bytes")?.kind == .gauge)
    }

    @Test func byPid() throws {
        let families = try HostFixture.collect(WatchedProcessCollector(paths: Self.paths, target: .pid(25131)))
        let labels = ["name": "bash", "pid": "25131"]
        #expect(families.value("outrider_watched_process_cpu_seconds_total", labels) == 0)
        #expect(families.value("outrider_watched_process_resident_memory_bytes", labels) == 501 * Self.page)
        #expect(families.value("outrider_watched_process_threads", labels) == 1)
        #expect(families.value("outrider_watched_process_open_fds", labels) == 1)
        #expect(families.value("outrider_watched_process_start_time_seconds", labels) == 231_268 / Self.ticks)
    }

    /// kthreadd has no fd directory in the fixture: the open_fds sample is left out, the rest kept.
    @Test func unreadableFdsLeaveOnlyThatSeriesOut() throws {
        let families = try HostFixture.collect(WatchedProcessCollector(paths: Self.paths, target: .pid(2)))
        #expect(families.family("outrider_watched_process_open_fds")?.samples.isEmpty == true)
        #expect(families.value("outrider_watched_process_threads", ["name": "kthreadd", "pid": "2"]) == 1)
        #expect(!HostFixture.render(families).contains("open_fds{"))
    }

    /// Start time is `btime` plus starttime ticks: a proc root with a `stat` next to 4242.
    @Test func startTimeCountsFromBootTime() throws {
        let root = try HostFixture.temporaryDirectory("procs")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("4242").path,
            withDestinationPath: ProcessCgroupFixtures.path("process/proc/4242"))
        try HostFixture.write("cpu  0 0 0 0\nbtime 1700000000\n", to: root.appendingPathComponent("stat"))
        let collector = WatchedProcessCollector(paths: HostPaths(procRoot: root.path), target: .name("my-app"))
        let families = try HostFixture.collect(collector)
        #expect(families.value("outrider_watched_process_start_time_seconds") == 1_700_000_000 + 98765 / Self.ticks)
        #expect(families.value("outrider_watched_process_open_fds") == 4)
    }

    @Test func notFound() {
        let cases: [(WatchedProcessCollector.Target, String)] = [
            (.pid(99999), "no process with pid 99999"),
            (.name("no-such-app"), "no process named \"no-such-app\""),
            // Found by cmdline, but its stat cannot be read: nothing to report either.
            (.name("outrider-sidecar"), "no process named \"outrider-sidecar\""),
        ]
        for (target, message) in cases {
            let collector = WatchedProcessCollector(paths: Self.paths, target: target)
            var families: [MetricFamily] = []
            do {
                try collector.collect(into: &families)
                Issue.record("expected NotFound for \(target)")
            } catch let error as WatchedProcessCollector.NotFound {
                #expect(error.description == message)
                #expect(error.target == target)
            } catch {
                Issue.record("unexpected error \(error)")
            }
            #expect(families.isEmpty)
        }
    }

    @Test func notFoundIsCountedByTheCollection() {
        let collection = HostMetricsCollection(collectors: [WatchedProcessCollector(paths: Self.paths, target: .pid(99999))])
        let outcome = collection.collect()
        #expect(outcome.failures == [HostMetricsCollection.Failure(collector: "process", message: "no process with pid 99999")])
        #expect(outcome.families.value("outrider_collector_errors_total", ["collector": "process"]) == 1)
    }
}
