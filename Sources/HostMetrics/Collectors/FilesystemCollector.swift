import Synchronization
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

    /// A selected mount, ready to measure and write.
    struct Target: Sendable {
        var labels: Labels
        var statPath: String
        var isReadOnly: Bool
    }

    /// The targets selected from the last watched mount table, kept while its version holds:
    /// the table rarely changes, and filtering it was most of this collector's own work.
    final class Selection: Sendable {
        let last = Mutex<(version: UInt64, targets: [Target])?>(nil)
    }

    private let selection = Selection()

    func targets() throws -> [Target] {
        let table = try mountTable.table()
        if let version = table.version, let last = selection.last.withLock({ $0 }), last.version == version {
            return last.targets
        }
        // Like node_exporter's --path.rootfs: mount points seen under the rootfs prefix are
        // labelled as the host knows them, and statfs goes through the prefix.
        let prefix = paths.rootfs == "/" ? "" : paths.rootfs
        let mounts = filter.select(table.mounts.map { mount in
            guard !prefix.isEmpty, mount.mountPoint.hasPrefix(prefix) else { return mount }
            var stripped = mount
            stripped.mountPoint = String(mount.mountPoint.dropFirst(prefix.count))
            if stripped.mountPoint.isEmpty { stripped.mountPoint = "/" }
            return stripped
        })
        let targets = mounts.map { mount in
            Target(
                labels: ["device": mount.source, "fstype": mount.fsType, "mountpoint": mount.mountPoint],
                statPath: prefix + mount.mountPoint, isReadOnly: mount.isReadOnly)
        }
        if let version = table.version { selection.last.withLock { $0 = (version, targets) } }
        return targets
    }

    public func write(to writer: inout some MetricWriter) throws {
        // statfs once per mount; the families are then written one after the other.
        let measured = try targets().map { target in
            (labels: target.labels, stats: try? FilesystemStats.statfs(mountPoint: target.statPath), isReadOnly: target.isReadOnly)
        }
        func family(_ descriptor: MetricDescriptor, _ value: (FilesystemStats, Bool) -> Double) {
            writer.family(descriptor)
            for mount in measured {
                if let stats = mount.stats { writer.sample(value(stats, mount.isReadOnly), mount.labels) }
            }
        }
        family(Self.avail) { stats, _ in stats.availableBytes }
        writer.family(Self.deviceError)
        for mount in measured {
            writer.sample(mount.stats == nil ? 1 : 0, mount.labels)
        }
        family(Self.files) { stats, _ in Double(stats.files) }
        family(Self.filesFree) { stats, _ in Double(stats.filesFree) }
        family(Self.free) { stats, _ in stats.freeBytes }
        family(Self.readonly) { _, isReadOnly in isReadOnly ? 1 : 0 }
        family(Self.size) { stats, _ in stats.sizeBytes }
    }

    static let avail = MetricDescriptor(
        "node_filesystem_avail_bytes", help: "Filesystem space available to non-root users in bytes.", kind: .gauge, unit: "By")
    static let deviceError = MetricDescriptor(
        "node_filesystem_device_error", help: "Whether an error occurred while getting statistics for the given device.", kind: .gauge)
    static let files = MetricDescriptor("node_filesystem_files", help: "Filesystem total file nodes.", kind: .gauge)
    static let filesFree = MetricDescriptor("node_filesystem_files_free", help: "Filesystem total free file nodes.", kind: .gauge)
    static let free = MetricDescriptor("node_filesystem_free_bytes", help: "Filesystem free space in bytes.", kind: .gauge, unit: "By")
    static let readonly = MetricDescriptor("node_filesystem_readonly", help: "Filesystem read-only status.", kind: .gauge)
    static let size = MetricDescriptor("node_filesystem_size_bytes", help: "Filesystem size in bytes.", kind: .gauge, unit: "By")
}
