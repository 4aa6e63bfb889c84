/// Which mounts get `node_filesystem_*` series, with node_exporter's defaults, so the agent
/// reports the same filesystems node_exporter would on the same host.
///
/// node_exporter expresses its defaults as two regular expressions. Both have a simple
/// shape (a list of path prefixes, a list of exact type names), so they are modelled as
/// lists here: no regex engine, and a user's config is a readable YAML list.
///
/// Upstream 1.5.0 (collector/filesystem_linux.go):
/// - mount points: `^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)`
/// - fs types: `^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$`
///
/// Debian's `prometheus-node-exporter` 1.5.0 package patches the mount-point default to
/// `^/(dev|proc|run|sys|mnt|media|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)`
/// (checked with `--help` on the packaged binary); `debianPackageDefaults` reproduces it.
public struct FilesystemFilter: Sendable, Hashable {
    /// One alternative of the mount-point expression.
    public struct MountPointRule: Sendable, Hashable, CustomStringConvertible {
        /// Absolute path without a trailing slash, e.g. `/var/lib/docker`.
        public var path: String
        /// `true`: the path itself and everything below it (`dev` in the expression).
        /// `false`: only mounts strictly below it (`var/lib/docker/.+`), so a disk mounted
        /// at /var/lib/docker itself is still reported.
        public var includesPath: Bool

        public init(path: String, includesPath: Bool) {
            var path = path
            while path.count > 1, path.hasSuffix("/") { path.removeLast() }
            self.path = path
            self.includesPath = includesPath
        }

        /// The path and everything below it.
        public static func tree(_ path: String) -> MountPointRule { MountPointRule(path: path, includesPath: true) }
        /// Only mounts strictly below the path.
        public static func below(_ path: String) -> MountPointRule { MountPointRule(path: path, includesPath: false) }

        /// Config syntax: `/dev` for a tree, `/var/lib/docker/*` for strictly below.
        /// nil unless the path is absolute.
        public init?(_ spec: String) {
            guard spec.hasPrefix("/") else { return nil }
            if spec.hasSuffix("/*") {
                self.init(path: String(spec.dropLast(2)), includesPath: false)
            } else {
                self.init(path: spec, includesPath: true)
            }
        }

        public var description: String { includesPath ? path : path + "/*" }

        public func matches(_ mountPoint: String) -> Bool {
            let point = mountPoint.utf8
            let prefix = path.utf8
            if path == "/" { return point.first == UInt8(ascii: "/") && (includesPath || point.count > 1) }
            guard point.starts(with: prefix) else { return false }
            let rest = point.dropFirst(prefix.count)
            if rest.isEmpty { return includesPath }
            // `/devices` must not match the rule for `/dev`.
            guard rest.first == UInt8(ascii: "/") else { return false }
            return includesPath || rest.count > 1
        }
    }

    public var excludedMountPoints: [MountPointRule]
    /// Exact filesystem type names.
    public var excludedFSTypes: Set<String>

    public init(excludedMountPoints: [MountPointRule], excludedFSTypes: Set<String>) {
        self.excludedMountPoints = excludedMountPoints
        self.excludedFSTypes = excludedFSTypes
    }

    /// node_exporter 1.5.0's `--collector.filesystem.fs-types-exclude` default, expanded
    /// (`cgroup2?` is both `cgroup` and `cgroup2`). The Debian package does not change it.
    public static let nodeExporterFSTypesExcluded: Set<String> = [
        "autofs", "binfmt_misc", "bpf", "cgroup", "cgroup2", "configfs", "debugfs", "devpts",
        "devtmpfs", "fusectl", "hugetlbfs", "iso9660", "mqueue", "nsfs", "overlay", "proc",
        "procfs", "pstore", "rpc_pipefs", "securityfs", "selinuxfs", "squashfs", "sysfs", "tracefs",
    ]

    /// Upstream node_exporter 1.5.0's defaults.
    public static let nodeExporterDefaults = FilesystemFilter(
        excludedMountPoints: [
            .tree("/dev"), .tree("/proc"), .below("/run/credentials"), .tree("/sys"),
            .below("/var/lib/docker"), .below("/var/lib/containers/storage"),
        ],
        excludedFSTypes: nodeExporterFSTypesExcluded
    )

    /// The defaults of Debian's packaged node_exporter 1.5.0, which also hides everything
    /// under /run, /mnt and /media.
    public static let debianPackageDefaults = FilesystemFilter(
        excludedMountPoints: [
            .tree("/dev"), .tree("/proc"), .tree("/run"), .tree("/sys"), .tree("/mnt"), .tree("/media"),
            .below("/var/lib/docker"), .below("/var/lib/containers/storage"),
        ],
        excludedFSTypes: nodeExporterFSTypesExcluded
    )

    public func includes(_ mount: MountInfo.Mount) -> Bool {
        !excludedFSTypes.contains(mount.fsType) && !excludedMountPoints.contains { $0.matches(mount.mountPoint) }
    }

    /// The mounts to report, in order: excluded ones dropped, then exact repeats dropped.
    ///
    /// node_exporter reports a filesystem once per distinct (device, mount point, fs type,
    /// options) as read from /proc/1/mounts: identical lines, such as the same bind mount
    /// made twice, collapse into one series. It does not collapse different devices stacked
    /// on one mount point, so neither does this: those keep one series each, with the
    /// `device` label telling them apart (statfs sees only the top one).
    public func select(_ mounts: [MountInfo.Mount]) -> [MountInfo.Mount] {
        struct Key: Hashable {
            var source, mountPoint, fsType, mountOptions, superOptions: String
        }
        var seen = Set<Key>()
        return mounts.filter { mount in
            guard includes(mount) else { return false }
            return seen.insert(Key(
                source: mount.source, mountPoint: mount.mountPoint, fsType: mount.fsType,
                mountOptions: mount.mountOptions, superOptions: mount.superOptions
            )).inserted
        }
    }
}
