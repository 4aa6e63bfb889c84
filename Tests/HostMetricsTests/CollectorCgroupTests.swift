import Foundation
import Telemetry
import Testing
@testable import HostMetrics

@Suite struct CollectorCgroupTests {
    static let podPath = "/kubepods/burstable/pod1234/abcdef"

    // MARK: - cgroup v1

    /// `Fixtures/host/v1`: per-controller mounts, /proc/self/cgroup naming
    /// `/kubepods/burstable/pod1234/abcdef` in each hierarchy. That path does not exist under
    /// the cpuacct, cpu, memory and blkio mounts (a cgroup namespace: the mount already is the
    /// container), so those are read from the mount roots.
    @Test func v1NamespacedValuesHaveCAdvisorNamesAndUnits() throws {
        let families = try HostFixture.collect(CgroupCollector(paths: HostFixture.v1Paths, ticksPerSecond: 100))
        let id = ["id": Self.podPath]

        // The id label is the cgroup path from /proc/self/cgroup, as cAdvisor's.
        for family in families {
            for sample in family.samples {
                #expect(sample.labels["id"] == Self.podPath, "\(family.name)")
            }
        }
        // cpuacct.usage is nanoseconds: 3e9 ns = 3 s.
        #expect(families.value("container_cpu_usage_seconds_total", id) == 3)
        // cpuacct.stat is USER_HZ ticks: 200 / 100 = 2 s user, 100 / 100 = 1 s system.
        #expect(families.value("container_cpu_user_seconds_total", id) == 2)
        #expect(families.value("container_cpu_system_seconds_total", id) == 1)
        // cpu.stat throttled_time is nanoseconds on v1: 5e8 ns = 0.5 s.
        #expect(families.value("container_cpu_cfs_periods_total", id) == 100)
        #expect(families.value("container_cpu_cfs_throttled_periods_total", id) == 10)
        #expect(families.value("container_cpu_cfs_throttled_seconds_total", id) == 0.5)
        // cfs_quota_us = -1: no quota series at all (cAdvisor also leaves it out when unlimited),
        // the period still reported.
        #expect(families.family("container_spec_cpu_quota") == nil)
        #expect(families.value("container_spec_cpu_period", id) == 100_000)
        // usage 100 MiB, total_inactive_file 20 MiB → working set 80 MiB. (The cgroup's own
        // inactive_file, 2 MiB, would give 98 MiB.)
        #expect(families.value("container_memory_usage_bytes", id) == 104_857_600)
        #expect(families.value("container_memory_working_set_bytes", id) == 83_886_080)
        // 9223372036854771712 is v1's "unlimited" sentinel: cAdvisor exports 0.
        #expect(families.value("container_spec_memory_limit_bytes", id) == 0)
        #expect(families.value("container_oom_events_total", id) == 3)
        #expect(families.value("container_blkio_device_usage_total", ["major": "8", "minor": "0", "operation": "Read"]) == 1_048_576)
        #expect(families.value("container_blkio_device_usage_total", ["major": "8", "minor": "0", "operation": "Write"]) == 2_097_152)
        #expect(families.family("container_blkio_device_usage_total")?.samples.count == 2)
        // pids: the cgroup's directory does exist under that mount (host-namespace view), so
        // it is read rather than the mount root's 999 / max.
        #expect(families.value("container_threads", id) == 12)
        #expect(families.value("container_threads_max", id) == 1000)
    }

    /// cAdvisor (container/libcontainer/handler.go, setMemoryStats) takes rss, cache and
    /// mapped_file from the hierarchical `total_*` keys when `memory.use_hierarchy` is 1
    /// (the fixture's value, and the default everywhere), as the parser's own doc says.
    /// The cgroup-local `rss`, `cache`, `mapped_file` would leave out child cgroups' memory.
    @Test func v1MemoryBreakdownUsesHierarchicalTotals() throws {
        let families = try HostFixture.collect(CgroupCollector(paths: HostFixture.v1Paths, ticksPerSecond: 100))
        let id = ["id": Self.podPath]
        #expect(families.value("container_memory_rss", id) == 52_428_800)  // total_rss, not rss 5242880
        #expect(families.value("container_memory_cache", id) == 41_943_040)  // total_cache, not cache 10485760
        #expect(families.value("container_memory_mapped_file", id) == 4_194_304)  // total_mapped_file, not 1048576
    }

    @Test func v1FamiliesAreExactlyTheExpectedOnes() throws {
        let families = try HostFixture.collect(CgroupCollector(paths: HostFixture.v1Paths, ticksPerSecond: 100))
        #expect(families.names == [
            "container_cpu_usage_seconds_total", "container_cpu_user_seconds_total", "container_cpu_system_seconds_total",
            "container_cpu_cfs_periods_total", "container_cpu_cfs_throttled_periods_total",
            "container_cpu_cfs_throttled_seconds_total", "container_spec_cpu_period", "container_memory_usage_bytes",
            "container_memory_working_set_bytes", "container_memory_rss", "container_memory_cache",
            "container_memory_mapped_file", "container_spec_memory_limit_bytes", "container_oom_events_total",
            "container_threads", "container_threads_max", "container_blkio_device_usage_total",
        ])
    }

    /// A v1 memory limit that is a real number is passed through in bytes.
    @Test func v1RealMemoryLimitAndQuota() throws {
        let tree = try Self.copyOfV1Tree()
        defer { try? FileManager.default.removeItem(at: tree) }
        try HostFixture.write("536870912\n", to: tree.appendingPathComponent("cgroup/memory/memory.limit_in_bytes"))
        try HostFixture.write("50000\n", to: tree.appendingPathComponent("cgroup/cpu/cpu.cfs_quota_us"))
        let paths = HostPaths(procRoot: tree.appendingPathComponent("proc").path, cgroupRoot: tree.appendingPathComponent("cgroup").path)
        let families = try HostFixture.collect(CgroupCollector(paths: paths, ticksPerSecond: 100))
        #expect(families.value("container_spec_memory_limit_bytes") == 536_870_912)
        #expect(families.value("container_spec_cpu_quota") == 50_000)
        #expect(families.value("container_spec_cpu_period") == 100_000)
    }

    // MARK: - cgroup v2

    /// `0::/kubepods.slice/…` whose directory is not under the cgroup root: the root is the
    /// container's cgroup (namespaced), and `id` still carries the path.
    @Test func v2FallsBackToTheRootWhenThePathIsNotUnderIt() throws {
        let proc = try HostFixture.temporaryDirectory("v2-proc")
        defer { try? FileManager.default.removeItem(at: proc) }
        let path = "/kubepods.slice/kubepods-burstable.slice/cri-containerd-0123abcd.scope"
        try HostFixture.write("0::\(path)\n", to: proc.appendingPathComponent("self/cgroup"))
        let paths = HostPaths(procRoot: proc.path, cgroupRoot: HostFixture.path("cgroup"))
        let families = try HostFixture.collect(CgroupCollector(paths: paths, ticksPerSecond: 100))
        #expect(families.value("container_cpu_usage_seconds_total", ["id": path]) == 3)
        #expect(families.value("container_memory_working_set_bytes", ["id": path]) == 83_886_080)
        #expect(families.labelValues("container_blkio_device_usage_total", "id") == [path, path])
    }

    /// v2 with `memory.max` and `cpu.max` at `max`: limit 0, no quota series, period kept.
    /// Files the collector treats as optional (memory.stat, memory.events, io.stat, pids.*)
    /// missing: their series are left out, the rest still reported.
    @Test func v2UnlimitedAndOptionalFilesMissing() throws {
        let tree = try HostFixture.temporaryDirectory("v2-cgroup")
        defer { try? FileManager.default.removeItem(at: tree) }
        for file in ["cgroup.controllers", "cpu.stat", "memory.current"] {
            try FileManager.default.copyItem(
                atPath: HostFixture.path("cgroup/\(file)"), toPath: tree.appendingPathComponent(file).path)
        }
        try HostFixture.write("max\n", to: tree.appendingPathComponent("memory.max"))
        try HostFixture.write("max 100000\n", to: tree.appendingPathComponent("cpu.max"))
        let paths = HostPaths(procRoot: HostFixture.path("proc"), cgroupRoot: tree.path)
        let families = try HostFixture.collect(CgroupCollector(paths: paths, ticksPerSecond: 100))
        #expect(families.value("container_spec_memory_limit_bytes") == 0)
        #expect(families.family("container_spec_cpu_quota") == nil)
        #expect(families.value("container_spec_cpu_period") == 100_000)
        #expect(families.value("container_memory_usage_bytes") == 104_857_600)
        for absent in [
            "container_memory_working_set_bytes", "container_memory_rss", "container_memory_cache",
            "container_memory_mapped_file", "container_oom_events_total", "container_threads",
            "container_threads_max", "container_blkio_device_usage_total",
        ] {
            #expect(families.family(absent) == nil, "\(absent)")
        }
    }

    /// cpu.stat and memory.current are required: without them the collector fails.
    @Test func v2RequiredFileMissingThrows() throws {
        let tree = try HostFixture.temporaryDirectory("v2-cgroup-bare")
        defer { try? FileManager.default.removeItem(at: tree) }
        try HostFixture.write("cpu memory\n", to: tree.appendingPathComponent("cgroup.controllers"))
        let paths = HostPaths(procRoot: HostFixture.path("proc"), cgroupRoot: tree.path)
        #expect(throws: (any Error).self) { try HostFixture.collect(CgroupCollector(paths: paths, ticksPerSecond: 100)) }
    }

    /// A copy of `Fixtures/host/v1` in a temporary directory, to vary one file.
    static func copyOfV1Tree() throws -> URL {
        let tree = try HostFixture.temporaryDirectory("v1")
        try FileManager.default.removeItem(at: tree)
        try FileManager.default.copyItem(atPath: HostFixture.path("v1"), toPath: tree.path)
        return tree
    }
}
