import Foundation
import Telemetry
import Testing
@testable import HostMetrics

/// The hand-made host tree for the collector tests, `Fixtures/host/` (see its README), located
/// via `#filePath` so the tests run from any working directory.
enum HostFixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/host")

    static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }

    /// The main tree: `proc/`, `sys/`, and a cgroup v2 root that is the container's own cgroup.
    static let paths = HostPaths(procRoot: path("proc"), sysRoot: path("sys"), cgroupRoot: path("cgroup"), rootfs: "/")

    /// The cgroup v1 tree (`v1/`): per-controller mounts, namespaced memory path.
    static let v1Paths = HostPaths(
        procRoot: path("v1/proc"), sysRoot: path("sys"), cgroupRoot: path("v1/cgroup"), rootfs: "/")

    /// A fresh directory under the system temporary directory, removed by the caller.
    static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("outrider-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// Runs one collector into a fresh array.
    static func collect(_ collector: some HostCollector) throws -> [MetricFamily] {
        var families: [MetricFamily] = []
        try collector.collect(into: &families)
        return families
    }

    static func render(_ families: [MetricFamily]) -> String {
        var out: [UInt8] = []
        PrometheusText.write(families, into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

extension [MetricFamily] {
    /// The family named `name`; nil when the collector did not produce it.
    func family(_ name: String) -> MetricFamily? {
        first { $0.name == name }
    }

    /// The value of the sample of `name` whose labels include all of `labels`.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        family(name)?.samples.first { sample in labels.allSatisfy { sample.labels[$0.key] == $0.value } }?.value
    }

    /// The values of one label over a family's samples, in order (e.g. the devices).
    func labelValues(_ name: String, _ label: String) -> [String] {
        family(name)?.samples.compactMap { $0.labels[label] } ?? []
    }

    var names: [String] { map(\.name) }
}

@Suite struct CollectorGoldenTests {
    static func goldenCollectors() -> [any HostCollector] {
        let paths = HostFixture.paths
        return [
            CPUCollector(paths: paths, ticksPerSecond: 100),
            MemoryCollector(paths: paths),
            LoadCollector(paths: paths),
            PressureCollector(paths: paths),
            NetworkCollector(paths: paths),
            DiskCollector(paths: paths),
            CgroupCollector(paths: paths, ticksPerSecond: 100),
        ]
    }

    /// Every host collector against the fixture tree, rendered, must equal
    /// `Fixtures/host/expected.prom`, which was written by hand from the fixture values (see
    /// the README for the arithmetic), not captured from this code.
    @Test func renderedExpositionMatchesHandWrittenGolden() throws {
        var families: [MetricFamily] = []
        for collector in Self.goldenCollectors() {
            try collector.collect(into: &families)
        }
        var out: [UInt8] = []
        PrometheusText.write(families, into: &out)
        try Self.expectGolden(out)
    }

    /// What a scrape serves: the same collectors written straight to text, with no
    /// `MetricFamily` in between, must give the same bytes.
    @Test func textWrittenStraightFromTheCollectorsMatchesTheGolden() throws {
        var writer = PrometheusTextWriter()
        for collector in Self.goldenCollectors() {
            try collector.write(to: &writer)
        }
        try Self.expectGolden(writer.bytes)
    }

    static func expectGolden(_ out: [UInt8]) throws {
        let expected = [UInt8](try Data(contentsOf: HostFixture.root.appendingPathComponent("expected.prom")))
        if out != expected {
            // Point at the first differing line rather than dumping two 280-line blobs.
            let actualLines = String(decoding: out, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            let expectedLines = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            for index in 0..<Swift.max(actualLines.count, expectedLines.count) {
                let actual = index < actualLines.count ? String(actualLines[index]) : "<end of output>"
                let wanted = index < expectedLines.count ? String(expectedLines[index]) : "<end of golden>"
                if actual != wanted {
                    Issue.record("line \(index + 1): got\n  \(actual)\nexpected\n  \(wanted)")
                    break
                }
            }
        }
        // Byte for byte (trailing newline, no stray whitespace); a Bool so a failure prints
        // the line above rather than two arrays of bytes.
        let identical = out == expected
        #expect(identical, "rendered exposition differs from Fixtures/host/expected.prom")
    }

    /// The golden covers each collector once; this pins the conversions it relies on with
    /// a different tick rate, so a collector that ignored `ticksPerSecond` would show here.
    @Test func cpuSecondsFollowTheGivenTickRate() throws {
        let families = try HostFixture.collect(CPUCollector(paths: HostFixture.paths, ticksPerSecond: 1000))
        #expect(families.value("node_cpu_seconds_total", ["cpu": "0", "mode": "user"]) == 0.1)
        #expect(families.value("node_cpu_seconds_total", ["cpu": "1", "mode": "idle"]) == 2)
        #expect(families.value("node_cpu_guest_seconds_total", ["cpu": "1", "mode": "user"]) == 0.1)
        // Counts from /proc/stat are not ticks and must not be scaled.
        #expect(families.value("node_context_switches_total") == 40000)
        #expect(families.value("node_boot_time_seconds") == 1_700_000_000)
    }

    /// Each collector throws (rather than emitting nothing) when its file is missing, so
    /// HostMetricsCollection can count the failure.
    @Test(arguments: ["cpu", "memory", "load", "pressure", "network", "disk", "cgroup"])
    func collectorThrowsWhenItsFilesAreMissing(name: String) {
        let paths = HostPaths(
            procRoot: "/nonexistent-outrider-proc", sysRoot: "/nonexistent-outrider-sys",
            cgroupRoot: "/nonexistent-outrider-cgroup", rootfs: "/")
        let collector: any HostCollector = switch name {
        case "cpu": CPUCollector(paths: paths, ticksPerSecond: 100)
        case "memory": MemoryCollector(paths: paths)
        case "load": LoadCollector(paths: paths)
        case "pressure": PressureCollector(paths: paths)
        case "network": NetworkCollector(paths: paths)
        case "disk": DiskCollector(paths: paths)
        default: CgroupCollector(paths: paths, ticksPerSecond: 100)
        }
        #expect(collector.name == name)
        var families: [MetricFamily] = []
        #expect(throws: (any Error).self) { try collector.collect(into: &families) }
    }
}
