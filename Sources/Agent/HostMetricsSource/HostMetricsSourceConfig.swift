import HostMetrics
import ServiceLifecycle
import Telemetry
import YAML

/// `type: host_metrics` — host and container CPU, memory, load, pressure, network, disk,
/// filesystem and cgroup metrics, with node_exporter's and cAdvisor's names.
public struct HostMetricsSourceConfig: SourceConfig {
    public static let typeName = "host_metrics"
    public static let signals: Set<Signal> = [.metrics]
    /// Its metrics are on /metrics whether or not a pipeline also exports them.
    public static let runsWithoutPipeline = true

    public enum Collector: String, ConfigEnum {
        case cpu, memory, load, pressure, network, disk, filesystem, cgroup, process
    }

    /// Which application process to watch: by PID, or by name (comm or argv[0]).
    public struct WatchedProcess: Decodable, Sendable, Equatable {
        public var pid: Int?
        public var name: String?
    }

    /// Excludes in node_exporter's spirit; the defaults are node_exporter 1.5's.
    public struct Excludes: Decodable, Sendable, Equatable {
        public var mountPoints: [String]?
        public var fsTypes: [String]?
        public var devices: [String]?

        enum CodingKeys: String, CodingKey {
            case mountPoints = "mount_points_exclude"
            case fsTypes = "fs_types_exclude"
            case devices = "devices_exclude"
        }
    }

    public static let defaultCollectors: [Collector] = [.cpu, .memory, .load, .pressure, .network, .disk, .filesystem, .cgroup]

    public var interval = ConfigDuration(.seconds(10))
    public var collectors = HostMetricsSourceConfig.defaultCollectors
    public var paths = HostPaths()
    public var process: WatchedProcess?
    public var filesystem: Excludes?
    public var disk: Excludes?
    public var network: Excludes?

    enum CodingKeys: String, CodingKey {
        case interval, collectors, process, filesystem, disk, network, rootfs
        case procRoot = "proc_root"
        case sysRoot = "sys_root"
        case cgroupRoot = "cgroup_root"
    }

    public init() {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        interval = try container.decodeIfPresent(ConfigDuration.self, forKey: .interval) ?? interval
        collectors = try container.decodeIfPresent([Collector].self, forKey: .collectors) ?? collectors
        paths = HostPaths(
            procRoot: try container.decodeIfPresent(String.self, forKey: .procRoot) ?? paths.procRoot,
            sysRoot: try container.decodeIfPresent(String.self, forKey: .sysRoot) ?? paths.sysRoot,
            cgroupRoot: try container.decodeIfPresent(String.self, forKey: .cgroupRoot) ?? paths.cgroupRoot,
            rootfs: try container.decodeIfPresent(String.self, forKey: .rootfs) ?? paths.rootfs)
        process = try container.decodeIfPresent(WatchedProcess.self, forKey: .process)
        filesystem = try container.decodeIfPresent(Excludes.self, forKey: .filesystem)
        disk = try container.decodeIfPresent(Excludes.self, forKey: .disk)
        network = try container.decodeIfPresent(Excludes.self, forKey: .network)
    }

    public func validate() -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        if interval.nanoseconds < 1_000_000_000 {
            problems.append(ConfigProblem("must be at least 1s", at: "interval"))
        }
        for (index, collector) in collectors.enumerated() where collectors[..<index].contains(collector) {
            problems.append(ConfigProblem("\"\(collector.rawValue)\" is listed twice", at: "collectors", "[\(index)]"))
        }
        for (key, path) in [("proc_root", paths.procRoot), ("sys_root", paths.sysRoot), ("cgroup_root", paths.cgroupRoot), ("rootfs", paths.rootfs)]
        where !path.hasPrefix("/") {
            problems.append(ConfigProblem("must be an absolute path, got \"\(path)\"", at: key))
        }
        for (index, spec) in (filesystem?.mountPoints ?? []).enumerated() where FilesystemFilter.MountPointRule(spec) == nil {
            problems.append(ConfigProblem(
                "expected an absolute path (\"/dev\") or a path with /* (\"/var/lib/docker/*\"), got \"\(spec)\"",
                at: "filesystem", "mount_points_exclude", "[\(index)]"))
        }
        switch (process?.pid, process?.name) {
        case (nil, nil) where collectors.contains(.process):
            problems.append(ConfigProblem("the process collector needs process: {pid: N} or process: {name: NAME}", at: "collectors"))
        case (_?, _?):
            problems.append(ConfigProblem("give either pid or name, not both", at: "process"))
        case (let pid?, nil) where pid <= 0:
            problems.append(ConfigProblem("must be a positive process id", at: "process", "pid"))
        default:
            break
        }
        return problems
    }

    public func makeService(_ context: ComponentContext) throws -> any Service {
        HostMetricsSource(config: self, collection: HostMetricsCollection(collectors: makeCollectors()), context: context)
    }

    /// node_exporter's defaults, with whichever list the config gives replacing its default.
    var filesystemFilter: FilesystemFilter {
        var filter = FilesystemFilter.nodeExporterDefaults
        if let mountPoints = filesystem?.mountPoints {
            filter.excludedMountPoints = mountPoints.compactMap(FilesystemFilter.MountPointRule.init)
        }
        if let fsTypes = filesystem?.fsTypes {
            filter.excludedFSTypes = Set(fsTypes)
        }
        return filter
    }

    func makeCollectors() -> [any HostCollector] {
        collectors.compactMap { collector -> (any HostCollector)? in
            switch collector {
            case .cpu: return CPUCollector(paths: paths)
            case .memory: return MemoryCollector(paths: paths)
            case .load: return LoadCollector(paths: paths)
            case .pressure: return PressureCollector(paths: paths)
            case .process:
                if let pid = process?.pid { return WatchedProcessCollector(paths: paths, target: .pid(Int32(pid))) }
                if let name = process?.name { return WatchedProcessCollector(paths: paths, target: .name(name)) }
                return nil
            case .cgroup: return CgroupCollector(paths: paths)
            case .network:
                return NetworkCollector(paths: paths, excludedDevices: network?.devices.map(Set.init) ?? NetworkCollector.defaultExcludedDevices)
            case .disk:
                return DiskCollector(paths: paths, excludedDevices: Set(disk?.devices ?? []))
            case .filesystem:
                return FilesystemCollector(paths: paths, filter: filesystemFilter)
            }
        }
    }
}
