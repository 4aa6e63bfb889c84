import Foundation
import Telemetry
import Testing
@testable import HostMetrics

@Suite struct CollectorCollectionTests {
    /// `Fixtures/host/no-pressure/proc` has loadavg and meminfo but no `pressure/` (a kernel
    /// without CONFIG_PSI).
    static let paths = HostPaths(procRoot: HostFixture.path("no-pressure/proc"), sysRoot: HostFixture.path("sys"))

    static func errorCounts(_ families: [MetricFamily]) -> [String: Double] {
        var counts: [String: Double] = [:]
        for sample in families.family("outrider_collector_errors_total")?.samples ?? [] {
            if let collector = sample.labels["collector"] { counts[collector] = sample.value }
        }
        return counts
    }

    @Test func aFailingCollectorIsSkippedAndCountedWhileTheOthersGoOn() throws {
        // The failing collector sits between two working ones, so "the rest go on" covers
        // the collectors after it too.
        let collection = HostMetricsCollection(collectors: [
            LoadCollector(paths: Self.paths), PressureCollector(paths: Self.paths), MemoryCollector(paths: Self.paths),
        ])

        let first = collection.collect()
        #expect(first.failures.count == 1)
        let failure = try #require(first.failures.first)
        #expect(failure.collector == "pressure")
        #expect(failure.message.contains("pressure/cpu"), "\(failure.message)")
        #expect(failure.message.contains("No such file or directory"), "\(failure.message)")

        #expect(first.families.value("node_load1") == 0.5)
        #expect(first.families.value("node_memory_MemTotal_bytes") == 4_096_000_000)
        #expect(!first.families.names.contains { $0.hasPrefix("node_pressure_") })
        #expect(first.families.names.last == "outrider_collector_errors_total")
        #expect(Self.errorCounts(first.families) == ["load": 0, "pressure": 1, "memory": 0])
        // One series per collector, in the order they were given.
        #expect(first.families.labelValues("outrider_collector_errors_total", "collector") == ["load", "pressure", "memory"])
        #expect(first.families.family("outrider_collector_errors_total")?.kind == .counter)

        let second = collection.collect()
        #expect(second.failures.map(\.collector) == ["pressure"])
        #expect(Self.errorCounts(second.families) == ["load": 0, "pressure": 2, "memory": 0])
        #expect(second.families.value("node_load1") == 0.5)

        let rendered = HostFixture.render(second.families)
        #expect(rendered.contains("outrider_collector_errors_total{collector=\"pressure\"} 2\n"))
        #expect(rendered.contains("outrider_collector_errors_total{collector=\"load\"} 0\n"))
        #expect(rendered.contains("outrider_collector_errors_total{collector=\"memory\"} 0\n"))
    }

    /// Appends one family, then throws: the round's partial output must not leak.
    struct HalfwayCollector: HostCollector {
        struct Failure: Error, CustomStringConvertible {
            var description: String { "gave up halfway" }
        }

        let name = "halfway"

        func collect(into families: inout [MetricFamily]) throws {
            var family = MetricFamily(name: "halfway_partial", help: "Partial.", kind: .gauge)
            family.add(1)
            families.append(family)
            throw Failure()
        }
    }

    @Test func aFailingCollectorsPartialFamiliesAreDiscarded() {
        let collection = HostMetricsCollection(collectors: [HalfwayCollector(), LoadCollector(paths: Self.paths)])
        let outcome = collection.collect()
        #expect(outcome.families.family("halfway_partial") == nil)
        #expect(outcome.families.value("node_load15") == 2)
        #expect(outcome.failures == [HostMetricsCollection.Failure(collector: "halfway", message: "gave up halfway")])
    }

    /// Writes a family and a sample, then throws: the scrape's text must not keep them.
    struct HalfwayWriter: HostCollector {
        let name = "halfway"

        func write(to writer: inout some MetricWriter) throws {
            writer.family("halfway_partial", help: "Partial.", kind: .gauge)
            writer.sample(1)
            throw HalfwayCollector.Failure()
        }
    }

    @Test func aFailingCollectorsPartialTextIsDiscarded() {
        let collection = HostMetricsCollection(collectors: [
            LoadCollector(paths: Self.paths), HalfwayWriter(), MemoryCollector(paths: Self.paths),
        ])
        var writer = PrometheusTextWriter()
        let failures = collection.write(to: &writer)
        let text = String(decoding: writer.bytes, as: UTF8.self)
        #expect(failures == [HostMetricsCollection.Failure(collector: "halfway", message: "gave up halfway")])
        #expect(!text.contains("halfway_partial"))
        #expect(text.contains("\nnode_load15 2\n"))
        #expect(text.contains("\nnode_memory_MemTotal_bytes 4096000000\n"))
        #expect(text.contains("outrider_collector_errors_total{collector=\"halfway\"} 1\n"))
    }

    /// A scrape renders a collection straight to text; the pipelines get families. Both must
    /// say the same, failures and error counts included.
    @Test func textAndFamiliesOfACollectionAgree() {
        func collection() -> HostMetricsCollection {
            HostMetricsCollection(collectors: [
                LoadCollector(paths: Self.paths), HalfwayWriter(), PressureCollector(paths: Self.paths),
                MemoryCollector(paths: Self.paths), HalfwayCollector(),
            ])
        }
        var writer = PrometheusTextWriter()
        let textFailures = collection().write(to: &writer)
        let outcome = collection().collect()
        #expect(textFailures == outcome.failures)
        #expect(textFailures.map(\.collector) == ["halfway", "pressure", "halfway"])
        #expect(String(decoding: writer.bytes, as: UTF8.self) == HostFixture.render(outcome.families))
    }

    @Test func withoutFailuresEveryCounterIsZero() {
        let paths = HostFixture.paths
        let collection = HostMetricsCollection(collectors: [
            CPUCollector(paths: paths, ticksPerSecond: 100), PressureCollector(paths: paths), CgroupCollector(paths: paths, ticksPerSecond: 100),
        ])
        let outcome = collection.collect()
        #expect(outcome.failures.isEmpty)
        #expect(Self.errorCounts(outcome.families) == ["cpu": 0, "pressure": 0, "cgroup": 0])
        #expect(outcome.families.value("node_pressure_cpu_waiting_seconds_total") == 5)
    }
}
