import Testing
@testable import HostMetrics

/// Parses this machine's own /proc, so a kernel whose format drifted from the fixtures is
/// caught wherever the tests run. Files a kernel may lack (pressure) are skipped when absent.
@Suite struct ProcLiveTests {
    @Test func stat() throws {
        let bytes = try #require(ProcFixture.live("/proc/stat"))
        let stat = try ProcStat.parse(bytes)
        #expect(!stat.cpus.isEmpty)
        #expect(stat.bootTime != nil)
    }

    @Test func meminfo() throws {
        let meminfo = try Meminfo.parse(try #require(ProcFixture.live("/proc/meminfo")))
        #expect((meminfo["MemTotal"] ?? 0) > 0)
    }

    @Test func loadavg() throws {
        let load = try LoadAvg.parse(try #require(ProcFixture.live("/proc/loadavg")))
        #expect(load.threads >= load.runnable)
    }

    @Test(arguments: Pressure.Resource.allCases)
    func pressure(resource: Pressure.Resource) throws {
        guard let bytes = ProcFixture.live(resource.fileName) else { return }
        _ = try Pressure.parse(bytes, resource: resource)
    }

    @Test func netDev() throws {
        let netdev = try NetDev.parse(try #require(ProcFixture.live("/proc/net/dev")))
        #expect(netdev.interfaces.contains { $0.name == "lo" })
    }

    @Test func diskstats() throws {
        _ = try DiskStats.parse(try #require(ProcFixture.live("/proc/diskstats")))
    }

    @Test func mountinfo() throws {
        let info = try MountInfo.parse(try #require(ProcFixture.live("/proc/self/mountinfo")))
        #expect(info.mounts.contains { $0.mountPoint == "/" })
        for mount in FilesystemFilter.nodeExporterDefaults.select(info.mounts) {
            _ = try? FilesystemStats.statfs(mountPoint: mount.mountPoint)
        }
    }
}
