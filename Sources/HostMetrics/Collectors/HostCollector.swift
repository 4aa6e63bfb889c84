import Telemetry

/// One named group of host or container metrics (`cpu`, `memory`, `cgroup`, …), enabled by
/// name in the `host_metrics` source's `collectors:` list.
///
/// A collector reads its files and writes families; it throws when its files are missing
/// or unreadable, and the `HostMetricsCollection` skips it for that round and counts it.
///
/// A collector implements `write(to:)`, which a scrape renders straight to text, or just
/// `collect(into:)`; each has a default built on the other (implement at least one).
public protocol HostCollector: Sendable {
    var name: String { get }
    /// Writes each family and then its samples: a family's samples must follow it, before
    /// the next family starts.
    func write(to writer: inout some MetricWriter) throws
    func collect(into families: inout [MetricFamily]) throws
}

extension HostCollector {
    public func collect(into families: inout [MetricFamily]) throws {
        var builder = MetricFamilyBuilder()
        try write(to: &builder)
        families.append(contentsOf: builder.families)
    }

    public func write(to writer: inout some MetricWriter) throws {
        var families: [MetricFamily] = []
        try collect(into: &families)
        for family in families {
            writer.write(family)
        }
    }
}

/// Where the host's pseudo-filesystems are. In a container with the host's /proc mounted at
/// /host/proc these are `/host/proc` etc.; tests point them at fixture trees.
public struct HostPaths: Sendable, Hashable {
    /// Shared by every copy: the files collectors re-read on each scrape stay open.
    public let files = PseudoFileReader()

    public var procRoot: String
    public var sysRoot: String
    public var cgroupRoot: String
    /// Prefix to put before mount points for statfs when the host's / is mounted elsewhere.
    public var rootfs: String

    public init(procRoot: String = "/proc", sysRoot: String = "/sys", cgroupRoot: String = "/sys/fs/cgroup", rootfs: String = "/") {
        self.procRoot = procRoot
        self.sysRoot = sysRoot
        self.cgroupRoot = cgroupRoot
        self.rootfs = rootfs
    }

    public func proc(_ relative: String) -> String { procRoot + "/" + relative }

    public func read(_ path: String) throws -> [UInt8] {
        try files.read(path)
    }

    public static func == (lhs: HostPaths, rhs: HostPaths) -> Bool {
        (lhs.procRoot, lhs.sysRoot, lhs.cgroupRoot, lhs.rootfs) == (rhs.procRoot, rhs.sysRoot, rhs.cgroupRoot, rhs.rootfs)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(procRoot)
        hasher.combine(sysRoot)
        hasher.combine(cgroupRoot)
        hasher.combine(rootfs)
    }
}
