import Glibc

/// Kernel constants the parsers' raw units convert with.
public enum SystemConstants {
    /// USER_HZ: /proc/stat and /proc/[pid]/stat count CPU time in these ticks.
    public static let clockTicksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    public static let pageSize = UInt64(sysconf(Int32(_SC_PAGESIZE)))
}
