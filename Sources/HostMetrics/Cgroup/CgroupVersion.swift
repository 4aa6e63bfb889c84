#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Which cgroup interface a cgroup mount speaks, since v1 and v2 differ in every file name
/// and several units (v1 CPU in nanoseconds, v2 in microseconds).
public enum CgroupVersion: Sendable, Hashable {
    case v1
    case v2

    /// v2 if `<root>/cgroup.controllers` exists (only the unified hierarchy has it), else v1.
    ///
    /// Pass the mount that holds the controllers (normally `/sys/fs/cgroup`). On a hybrid
    /// host `/sys/fs/cgroup` is a tmpfs of v1 mounts and answers v1 here, which is right:
    /// its `unified` subdirectory is a v2 mount, but one with no cpu/memory/io/pids
    /// controllers, so the numbers live in the v1 hierarchies.
    public static func detect(root: String) -> CgroupVersion {
        access("\(root)/cgroup.controllers", F_OK) == 0 ? .v2 : .v1
    }
}
