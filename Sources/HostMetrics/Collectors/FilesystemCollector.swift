import Telemetry

/// node_exporter's `filesystem` collector: size, free and available bytes, inodes and the
/// read-only flag for each mounted filesystem the filter keeps, labelled
/// `{device, fstype, mountpoint}`. Mounts are read from the host's init process
/// (`<proc_root>/1/mountinfo`, as node_exporter reads /proc/1/mounts), falling back to our own.
///
/// statfs on a dead network mount can block; such a mount should be excluded by type or
/// path (node_exporter's `mount-timeout` is not reproduced).
public struct FilesystemCollector: HostCollector {
    public let name = "filesystem"
    let paths: HostPaths
    let filter: FilesystemFilter
    private let mountTable: MountTableWatch

    public init(paths: HostPaths, filter: FilesystemFilter = .nodeExporterDefaults) {
        self.paths = paths
        self.filter = filter
        self.mountTable = MountTableWatch(candidates: [paths.proc("1/mountinfo"), paths.proc("self/mountinfo")])
    }

    public func collect(into families: inout [MetricFamily]) throws {
        // Like node_exporter's --path.rootfs: mount points seen under the rootfs prefix are
        // labelled as the host knows them, and statfs goes through the prefix.
        let prefix = paths.rootfs == "/" ? "" : paths.rootfs
        let mounts = filter.select(try mountTable.mounts().map { mount in
            guard !prefix.isEmpty, mount.mountPoint.hasPrefix(prefix) else { return mount }
            var stripped = mount
            stripped.mountPoint = String(mount.mountPoint.dropFirst(prefix.count))
            if stripped.mountPoint.isEmpty { stripped.mountPoint = "/" }
            return stripped
        })
        let help = [
            "size": "Filesystem size in bytes.", "free": "Filesystem free space in bytes.",
            "avail": "Filesystem space available to non-root users in bytes.", "files": "Filesystem total file nodes.",
            "files_free": "Filesystem total free file nodes.", "readonly": "Filesystem read-only status.",
            "device_error": "Whether an error occurred while getting statistics for the given device.",
        ]
        func family(_ key: String, _ name: String, unit: String = "") -> MetricFamily {
            MetricFamily(name: name, help: help[key]!, kind: .gauge, unit: unit)
        }
        var size = family("size", "node_filesystem_size_bytes", unit: "By")
        var free = family("free", "node_filesystem_free_bytes", unit: "By")
        var avail = family("avail", "node_filesystem_avail_bytes", unit: "By")
        var files = family("files", "node_filesystem_files")
        var filesFree = family("files_free", "node_filesystem_files_free")
        var readonly = family("readonly", "node_filesystem_readonly")
        var deviceError = family("device_error", "node_filesystem_device_error")
        for mount in mounts {
            let labels: Labels = ["device": mount.source, "fstype": mount.fsType, "mountpoint": mount.mountPoint]
            guard let stats = try? FilesystemStats.statfs(mountPoint: prefix + mount.mountPoint) else {
                deviceError.add(1, labels)
                continue
            }
            deviceError.add(0, labels)
            size.add(stats.sizeBytes, labels)
            free.add(stats.freeBytes, labels)
            avail.add(stats.availableBytes, labels)
            files.add(Double(stats.files), labels)
            filesFree.add(Double(stats.filesFree), labels)
            readonly.add(mount.isReadOnly ? 1 : 0, labels)
        }
        families.append(contentsOf: [avail, deviceError, files, filesFree, free, readonly, size])
    }
}
