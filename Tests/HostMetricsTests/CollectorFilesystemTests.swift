import Foundation
import Telemetry
import Testing
@testable import HostMetrics

/// statfs is real, so these tests only list mount points that exist on any Linux machine
/// (`/`, `/tmp`, a fresh temporary directory) or that certainly do not, and assert relations
/// between the sizes rather than exact values.
@Suite struct CollectorFilesystemTests {
    static let valueFamilies = [
        "node_filesystem_avail_bytes", "node_filesystem_files", "node_filesystem_files_free",
        "node_filesystem_free_bytes", "node_filesystem_readonly", "node_filesystem_size_bytes",
    ]

    static func labels(_ device: String, _ fsType: String, _ mountPoint: String) -> [String: String] {
        ["device": device, "fstype": fsType, "mountpoint": mountPoint]
    }

    /// Sizes that make sense for a mount that statfs answered for.
    static func expectSaneSizes(_ families: [MetricFamily], _ labels: [String: String], sourceLocation: SourceLocation = #_sourceLocation) {
        guard let size = families.value("node_filesystem_size_bytes", labels),
              let free = families.value("node_filesystem_free_bytes", labels),
              let avail = families.value("node_filesystem_avail_bytes", labels),
              let files = families.value("node_filesystem_files", labels),
              let filesFree = families.value("node_filesystem_files_free", labels) else {
            Issue.record("missing size series for \(labels)", sourceLocation: sourceLocation)
            return
        }
        #expect(size > 0, sourceLocation: sourceLocation)
        #expect(size >= free, sourceLocation: sourceLocation)
        #expect(free >= avail, sourceLocation: sourceLocation)
        #expect(avail >= 0, sourceLocation: sourceLocation)
        #expect(files >= filesFree, sourceLocation: sourceLocation)
        #expect(families.value("node_filesystem_device_error", labels) == 0, sourceLocation: sourceLocation)
    }

    /// `Fixtures/host/filesystem/proc/1/mountinfo`: `/` (ext4), `/proc`, `/sys`, `/tmp`
    /// (tmpfs) and an ext4 at `/nonexistent-outrider-test/data`.
    @Test func fixtureMountTable() throws {
        let paths = HostPaths(procRoot: HostFixture.path("filesystem/proc"))
        let families = try HostFixture.collect(FilesystemCollector(paths: paths))
        #expect(families.names == [
            "node_filesystem_avail_bytes", "node_filesystem_device_error", "node_filesystem_files",
            "node_filesystem_files_free", "node_filesystem_free_bytes", "node_filesystem_readonly",
            "node_filesystem_size_bytes",
        ])
        #expect(families.allSatisfy { $0.kind == .gauge })

        // /proc (and /sys) are left out by the default filter; the rest get a device_error each.
        #expect(families.labelValues("node_filesystem_device_error", "mountpoint") == [
            "/", "/tmp", "/nonexistent-outrider-test/data",
        ])
        let root = Self.labels("/dev/sda1", "ext4", "/")
        let tmp = Self.labels("tmpfs", "tmpfs", "/tmp")
        Self.expectSaneSizes(families, root)
        Self.expectSaneSizes(families, tmp)
        #expect(families.value("node_filesystem_readonly", root) == 0)

        // statfs fails: device_error 1 and no value series at all.
        let missing = Self.labels("/dev/sda2", "ext4", "/nonexistent-outrider-test/data")
        #expect(families.value("node_filesystem_device_error", missing) == 1)
        for name in Self.valueFamilies {
            #expect(families.labelValues(name, "mountpoint") == ["/", "/tmp"], "\(name)")
        }
        #expect(!HostFixture.render(families).contains("mountpoint=\"/proc\""))
    }

    /// A mount table written at run time with this machine's temporary directory as a tmpfs
    /// (path with a space, escaped `\040` as the kernel does), mounted read-only.
    @Test func temporaryDirectoryMount() throws {
        let scratch = try HostFixture.temporaryDirectory("fs")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let mountPoint = scratch.appendingPathComponent("mount point")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        let escaped = mountPoint.path.replacingOccurrences(of: " ", with: "\\040")
        try HostFixture.write("""
            22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
            23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
            40 22 0:50 / \(escaped) ro,nosuid,nodev - tmpfs scratch rw,size=1024k

            """, to: scratch.appendingPathComponent("proc/1/mountinfo"))
        let paths = HostPaths(procRoot: scratch.appendingPathComponent("proc").path)
        let families = try HostFixture.collect(FilesystemCollector(paths: paths))

        #expect(families.labelValues("node_filesystem_size_bytes", "mountpoint") == ["/", mountPoint.path])
        let labels = Self.labels("scratch", "tmpfs", mountPoint.path)
        Self.expectSaneSizes(families, labels)
        // Read-only comes from the mount options, as node_exporter reads it from /proc/1/mounts,
        // even though the directory itself is writable.
        #expect(families.value("node_filesystem_readonly", labels) == 1)
        Self.expectSaneSizes(families, Self.labels("/dev/sda1", "ext4", "/"))
        // /proc is left out by the default filter.
        #expect(!families.labelValues("node_filesystem_device_error", "mountpoint").contains("/proc"))
    }

    /// `rootfs` prefixes mount points for statfs (the host's / mounted elsewhere); the label
    /// keeps the host's path.
    @Test func rootfsPrefixesStatfsButNotTheLabel() throws {
        let scratch = try HostFixture.temporaryDirectory("rootfs")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let hostRoot = scratch.appendingPathComponent("host")
        try FileManager.default.createDirectory(at: hostRoot.appendingPathComponent("data"), withIntermediateDirectories: true)
        try HostFixture.write("""
            22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw
            30 22 8:2 / /data rw,relatime - ext4 /dev/sdb1 rw
            31 22 8:3 / /outrider-not-under-rootfs rw,relatime - ext4 /dev/sdc1 rw

            """, to: scratch.appendingPathComponent("proc/1/mountinfo"))
        let paths = HostPaths(procRoot: scratch.appendingPathComponent("proc").path, rootfs: hostRoot.path)
        let families = try HostFixture.collect(FilesystemCollector(paths: paths))
        // /data exists only under the rootfs: statfs found it there.
        Self.expectSaneSizes(families, Self.labels("/dev/sdb1", "ext4", "/data"))
        Self.expectSaneSizes(families, Self.labels("/dev/sda1", "ext4", "/"))
        #expect(families.value("node_filesystem_device_error", ["mountpoint": "/outrider-not-under-rootfs"]) == 1)
        #expect(families.labelValues("node_filesystem_size_bytes", "mountpoint") == ["/", "/data"])
    }

    /// A mount table in the agent's own view (the `self/mountinfo` fallback, or a /proc/1 in
    /// the pod's mount namespace) shows the host's filesystems under the rootfs mount, e.g.
    /// `/host/root/data`. node_exporter 1.5 (filesystem_linux.go, `rootfsStripPrefix`) strips
    /// `--path.rootfs` from such mount points before labelling them and statfs's
    /// `rootfs + mountpoint`, so it reports `mountpoint="/data"`, device_error 0. The
    /// collector keeps the prefixed path as label and prefixes it again for statfs
    /// (`/host/root/host/root/data`), which fails: device_error 1 and no size series.
    @Test func rootfsPrefixIsStrippedFromMountPointsThatCarryIt() throws {
        let scratch = try HostFixture.temporaryDirectory("rootfs-strip")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let hostRoot = scratch.appendingPathComponent("host")
        try FileManager.default.createDirectory(at: hostRoot.appendingPathComponent("data"), withIntermediateDirectories: true)
        try HostFixture.write("""
            30 29 0:40 / / rw,relatime - overlay overlay rw
            41 30 8:1 / \(hostRoot.path) ro,relatime - ext4 /dev/sda1 rw
            42 41 8:2 / \(hostRoot.path)/data ro,relatime - ext4 /dev/sdb1 rw

            """, to: scratch.appendingPathComponent("proc/self/mountinfo"))
        let paths = HostPaths(procRoot: scratch.appendingPathComponent("proc").path, rootfs: hostRoot.path)
        let families = try HostFixture.collect(FilesystemCollector(paths: paths))
        #expect(families.labelValues("node_filesystem_device_error", "mountpoint") == ["/", "/data"])
        #expect(families.value("node_filesystem_device_error", ["mountpoint": "/data"]) == 0)
        #expect(families.value("node_filesystem_size_bytes", ["mountpoint": "/data"]) != nil)
    }

    /// Without `<proc>/1/mountinfo` the collector reads its own `self/mountinfo`. Its `/` is
    /// an overlay, which the default filter drops by type.
    @Test func fallsBackToSelfMountinfo() throws {
        let paths = HostPaths(procRoot: HostFixture.path("filesystem/proc-no-init"))
        let families = try HostFixture.collect(FilesystemCollector(paths: paths))
        #expect(families.labelValues("node_filesystem_device_error", "device") == ["self-tmpfs"])
        Self.expectSaneSizes(families, Self.labels("self-tmpfs", "tmpfs", "/tmp"))
    }

    @Test func customFilterCanKeepProc() throws {
        let paths = HostPaths(procRoot: HostFixture.path("filesystem/proc"))
        let filter = FilesystemFilter(excludedMountPoints: [.tree("/sys")], excludedFSTypes: [])
        let families = try HostFixture.collect(FilesystemCollector(paths: paths, filter: filter))
        #expect(families.labelValues("node_filesystem_device_error", "mountpoint") == [
            "/", "/proc", "/tmp", "/nonexistent-outrider-test/data",
        ])
        #expect(families.value("node_filesystem_device_error", Self.labels("proc", "proc", "/proc")) == 0)
    }

    /// On the live /proc the mount table is watched, and the second collection reuses the
    /// selection made from it: the same series, each still measured.
    @Test func liveSelectionIsKeptWhileTheTableHolds() throws {
        let collector = FilesystemCollector(paths: HostPaths())
        let first = try HostFixture.collect(collector)
        let second = try HostFixture.collect(collector)
        let mountPoints = first.labelValues("node_filesystem_device_error", "mountpoint")
        #expect(second.labelValues("node_filesystem_device_error", "mountpoint") == mountPoints)
        #expect(second.labelValues("node_filesystem_device_error", "device") == first.labelValues("node_filesystem_device_error", "device"))
        for family in Self.valueFamilies {
            #expect(second.family(family)?.samples.count == first.family(family)?.samples.count, "\(family)")
        }
    }

    @Test func noMountTableThrows() {
        let paths = HostPaths(procRoot: "/nonexistent-outrider-proc")
        #expect(throws: (any Error).self) { try HostFixture.collect(FilesystemCollector(paths: paths)) }
    }
}
