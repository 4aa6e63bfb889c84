import Testing
@testable import HostMetrics

@Suite struct ProcFilesystemFilterTests {
    @Test(arguments: [
        ("/dev", true), ("/dev/shm", true), ("/devices", false), ("/proc", true), ("/proc/sys/fs/binfmt_misc", true),
        ("/sys", true), ("/sys/fs/cgroup", true), ("/system", false),
        ("/run", false), ("/run/lock", false), ("/run/credentials", false), ("/run/credentials/x.service", true),
        ("/var/lib/docker", false), ("/var/lib/docker/overlay2/abc/merged", true), ("/var/lib/dockerx/a", false),
        ("/var/lib/containers/storage", false), ("/var/lib/containers/storage/overlay", true),
        ("/", false), ("/home", false), ("/mnt/data", false), ("/media/usb", false), ("/dev2", false),
    ])
    func upstreamMountPointDefaults(mountPoint: String, excluded: Bool) {
        let rules = FilesystemFilter.nodeExporterDefaults.excludedMountPoints
        #expect(rules.contains { $0.matches(mountPoint) } == excluded, "\(mountPoint)")
    }

    @Test(arguments: [
        ("/run", true), ("/run/user/1000", true), ("/mnt/data", true), ("/media/usb", true), ("/mntx", false),
        ("/var/lib/docker", false), ("/home", false),
    ])
    func debianMountPointDefaults(mountPoint: String, excluded: Bool) {
        let rules = FilesystemFilter.debianPackageDefaults.excludedMountPoints
        #expect(rules.contains { $0.matches(mountPoint) } == excluded, "\(mountPoint)")
    }

    @Test func fsTypeDefaults() {
        let types = FilesystemFilter.nodeExporterDefaults.excludedFSTypes
        #expect(types.count == 24)
        #expect(types.contains("cgroup") && types.contains("cgroup2") && !types.contains("cgroup3"))
        for kept in ["ext4", "xfs", "tmpfs", "btrfs", "vfat", "nfs4", "ramfs", "fuse.sshfs", "overlayfs"] {
            #expect(!types.contains(kept), "\(kept)")
        }
        #expect(FilesystemFilter.debianPackageDefaults.excludedFSTypes == types)
    }

    @Test func ruleSyntax() {
        #expect(FilesystemFilter.MountPointRule("/dev") == .tree("/dev"))
        #expect(FilesystemFilter.MountPointRule("/var/lib/docker/*") == .below("/var/lib/docker"))
        #expect(FilesystemFilter.MountPointRule("/dev/") == .tree("/dev"))
        #expect(FilesystemFilter.MountPointRule("dev") == nil)
        #expect(FilesystemFilter.MountPointRule.below("/x").description == "/x/*")
        #expect(FilesystemFilter.MountPointRule("/")?.matches("/anything") == true)
        #expect(FilesystemFilter.MountPointRule("/*")?.matches("/") == false)
    }

    @Test func selectFiltersAndCollapsesExactRepeats() throws {
        let info = try MountInfo.parse(try ProcFixture.bytes("handmade/mountinfo-edge"))
        let selected = FilesystemFilter.nodeExporterDefaults.select(info.mounts)
        #expect(selected.map { "\($0.source) \($0.mountPoint)" } == [
            "rootfs /", "/dev/sda1 /", "tmpfs /run", "/dev/sdb 1 /mnt/my disk", "/dev/sdc /var/lib/docker",
            "/dev/sdd /devices\\tab\tx",
            "/dev/sda1 /srv", "/dev/sde /srv", "/dev/sdf /home", "/dev/sdg1 /media/usb",
        ])
        let debian = FilesystemFilter.debianPackageDefaults.select(info.mounts).map(\.mountPoint)
        #expect(!debian.contains("/run") && !debian.contains("/media/usb") && !debian.contains("/mnt/my disk"))
    }

    @Test func capturedMountsFromThisMachine() throws {
        let info = try MountInfo.parse(try ProcFixture.bytes("live/mountinfo"))
        let selected = FilesystemFilter.nodeExporterDefaults.select(info.mounts)
        #expect(selected.map(\.mountPoint) == ["/", "/mnt/sandboxing/model_tools_env/v1/python"])
        // Debian's node_exporter 1.5.0, run on the machine these were captured on, reported
        // only `/`; the duplicated /dev/pts and /dev/shm bind mounts are excluded by path anyway.
        #expect(FilesystemFilter.debianPackageDefaults.select(info.mounts).map(\.mountPoint) == ["/"])
    }
}
