import Foundation
import Testing
@testable import HostMetrics

@Suite struct ProcFilesystemStatsTests {
    @Test func rootFilesystem() throws {
        let stats = try FilesystemStats.statfs(mountPoint: "/")
        #expect(stats.blockSize > 0)
        #expect(stats.blocks > 0)
        #expect(stats.blocksFree <= stats.blocks)
        #expect(stats.blocksAvailable <= stats.blocksFree)
        #expect(stats.sizeBytes == Double(stats.blocks) * Double(stats.blockSize))
        #expect(stats.availableBytes <= stats.freeBytes && stats.freeBytes <= stats.sizeBytes)
        // Cross-check with Foundation, which calls statfs independently.
        let attributes = try FileManager.default.attributesOfFileSystem(forPath: "/")
        let size = try #require((attributes[.systemSize] as? NSNumber)?.doubleValue)
        #expect(size == stats.sizeBytes)
    }

    @Test func readOnlyProcfsIsNotReportedReadOnlyUnlessItIs() throws {
        let info = try MountInfo.parse(try #require(ProcFixture.live("/proc/self/mountinfo")))
        for mount in info.mounts where mount.fsType == "proc" || mount.fsType == "sysfs" {
            let stats = try FilesystemStats.statfs(mountPoint: mount.mountPoint)
            #expect(stats.readOnly == mount.isReadOnly, "\(mount.mountPoint)")
        }
    }

    @Test func missingMountPointReportsErrno() {
        do {
            _ = try FilesystemStats.statfs(mountPoint: "/nonexistent/outrider-test")
            Issue.record("expected an error")
        } catch {
            #expect(error.errno == ENOENT)
            #expect(error.description == "statvfs(/nonexistent/outrider-test): No such file or directory")
        }
    }
}
