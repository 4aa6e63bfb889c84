import Foundation
import Telemetry
import Testing
@testable import HostMetrics

/// `Fixtures/host/proc/net/dev` has lo, eth0, eth1; sysfs has rx_nohandler for lo (99) and
/// eth0 (13), none for eth1.
@Suite struct CollectorNetworkTests {
    static let counterFamilies = [
        "receive_bytes", "receive_compressed", "receive_drop", "receive_errs", "receive_fifo", "receive_frame",
        "receive_multicast", "receive_packets", "transmit_bytes", "transmit_carrier", "transmit_colls",
        "transmit_compressed", "transmit_drop", "transmit_errs", "transmit_fifo", "transmit_packets",
    ].map { "node_network_\($0)_total" }

    @Test func loIsExcludedByDefault() throws {
        let families = try HostFixture.collect(NetworkCollector(paths: HostFixture.paths))
        for name in Self.counterFamilies {
            #expect(families.labelValues(name, "device") == ["eth0", "eth1"], "\(name)")
        }
        // lo has an rx_nohandler file too, but is excluded.
        #expect(families.labelValues("node_network_receive_nohandler_total", "device") == ["eth0"])
    }

    @Test func eachColumnLandsInItsOwnFamily() throws {
        // eth0's sixteen counters are all different, so a swapped column shows.
        let families = try HostFixture.collect(NetworkCollector(paths: HostFixture.paths))
        let expected: [Double] = [1_000_000, 5, 2, 1, 3, 4, 6, 2000, 500_000, 11, 10, 12, 8, 7, 9, 1000]
        #expect(Self.counterFamilies.map { families.value($0, ["device": "eth0"]) } == expected)
    }

    @Test func customExcludeSetReplacesTheDefault() throws {
        let families = try HostFixture.collect(NetworkCollector(paths: HostFixture.paths, excludedDevices: ["eth0"]))
        #expect(families.labelValues("node_network_receive_bytes_total", "device") == ["lo", "eth1"])
        #expect(families.value("node_network_receive_bytes_total", ["device": "lo"]) == 5000)
        #expect(families.labelValues("node_network_receive_nohandler_total", "device") == ["lo"])
        #expect(families.value("node_network_receive_nohandler_total", ["device": "lo"]) == 99)

        let all = try HostFixture.collect(NetworkCollector(paths: HostFixture.paths, excludedDevices: []))
        #expect(all.labelValues("node_network_transmit_packets_total", "device") == ["lo", "eth0", "eth1"])
    }

    @Test func rxNohandlerComesFromSysfsAndIsOmittedWhereAbsent() throws {
        let families = try HostFixture.collect(NetworkCollector(paths: HostFixture.paths))
        #expect(families.value("node_network_receive_nohandler_total", ["device": "eth0"]) == 13)
        #expect(families.value("node_network_receive_nohandler_total", ["device": "eth1"]) == nil)

        // No sysfs at all: no sample, and the empty family is not rendered.
        let noSys = HostPaths(procRoot: HostFixture.path("proc"), sysRoot: "/nonexistent-outrider-sys")
        let bare = try HostFixture.collect(NetworkCollector(paths: noSys))
        #expect(bare.family("node_network_receive_nohandler_total")?.samples.isEmpty == true)
        #expect(bare.value("node_network_receive_bytes_total", ["device": "eth1"]) == 3000)
        #expect(!HostFixture.render(bare).contains("nohandler"))
    }
}
