import Foundation
import Telemetry
import Testing
@testable import HostMetrics

/// `Fixtures/host/proc/diskstats`: ram0, loop0, sda (17 columns), sda1 (17), nvme0n1 (15,
/// discards but no flushes), vda (11, neither).
@Suite struct CollectorDiskTests {
    @Test func partitionsLoopAndRamAreDroppedByDefault() throws {
        let families = try HostFixture.collect(DiskCollector(paths: HostFixture.paths))
        let always = [
            "node_disk_reads_completed_total", "node_disk_reads_merged_total", "node_disk_read_bytes_total",
            "node_disk_read_time_seconds_total", "node_disk_writes_completed_total", "node_disk_writes_merged_total",
            "node_disk_written_bytes_total", "node_disk_write_time_seconds_total", "node_disk_io_now",
            "node_disk_io_time_seconds_total", "node_disk_io_time_weighted_seconds_total",
        ]
        for name in always {
            #expect(families.labelValues(name, "device") == ["sda", "nvme0n1", "vda"], "\(name)")
        }
        let rendered = HostFixture.render(families)
        for dropped in ["sda1", "loop0", "ram0"] {
            #expect(!rendered.contains("device=\"\(dropped)\""), "\(dropped)")
        }
    }

    @Test func discardAndFlushSeriesOnlyWhereTheLineHasThoseColumns() throws {
        let families = try HostFixture.collect(DiskCollector(paths: HostFixture.paths))
        for name in [
            "node_disk_discards_completed_total", "node_disk_discards_merged_total", "node_disk_discarded_sectors_total",
            "node_disk_discard_time_seconds_total",
        ] {
            #expect(families.labelValues(name, "device") == ["sda", "nvme0n1"], "\(name)")
        }
        for name in ["node_disk_flush_requests_total", "node_disk_flush_requests_time_seconds_total"] {
            #expect(families.labelValues(name, "device") == ["sda"], "\(name)")
        }
        #expect(families.value("node_disk_discard_time_seconds_total", ["device": "nvme0n1"]) == 0.1)
        #expect(families.value("node_disk_flush_requests_time_seconds_total", ["device": "sda"]) == 0.4)
    }

    @Test func unitsAreBytesAndSeconds() throws {
        let families = try HostFixture.collect(DiskCollector(paths: HostFixture.paths))
        // 2000 sectors × 512 bytes; 3000 ms.
        #expect(families.value("node_disk_read_bytes_total", ["device": "sda"]) == 1_024_000)
        #expect(families.value("node_disk_read_time_seconds_total", ["device": "sda"]) == 3)
        #expect(families.value("node_disk_written_bytes_total", ["device": "vda"]) == 102_400)
        #expect(families.value("node_disk_write_time_seconds_total", ["device": "vda"]) == 0.75)
        #expect(families.family("node_disk_io_now")?.kind == .gauge)
    }

    @Test func extraExcludedDevicesAddToTheDefaultPattern() throws {
        let families = try HostFixture.collect(DiskCollector(paths: HostFixture.paths, excludedDevices: ["nvme0n1"]))
        #expect(families.labelValues("node_disk_reads_completed_total", "device") == ["sda", "vda"])
        #expect(families.labelValues("node_disk_discards_completed_total", "device") == ["sda"])
    }
}
