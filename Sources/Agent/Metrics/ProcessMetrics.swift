#if canImport(Glibc)
import Glibc
#endif

/// The standard `process_*` metrics of the agent itself (the names client_golang's process
/// collector uses, so existing dashboards work), read from /proc/self at scrape time.
public struct ProcessMetrics: Sendable {
    public struct Sample: Sendable, Hashable {
        public var cpuSeconds: Double
        public var residentBytes: Int
        public var virtualBytes: Int
        public var startTimeSeconds: Double
        public var openFDs: Int
        public var maxFDs: Int
    }

    public let procRoot: String
    private let clockTicksPerSecond: Double
    private let pageSize: Int

    public init(procRoot: String = "/proc") {
        self.procRoot = procRoot
        self.clockTicksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        self.pageSize = sysconf(Int32(_SC_PAGESIZE))
    }

    /// Reads the sample, or nil when /proc is not readable (the scrape then leaves the
    /// process_* series out rather than reporting zeros).
    public func sample() -> Sample? {
        guard let stat = try? FileBytes.contents(of: procRoot + "/self/stat"),
              let fields = Self.statFields(stat), fields.count > 21,
              let utime = Double(fields[11]), let stime = Double(fields[12]),
              let startTicks = Double(fields[19]), let vsize = Int(fields[20]), let rssPages = Int(fields[21])
        else { return nil }
        var limit = rlimit()
        getrlimit(RLIMIT_NOFILE_VALUE, &limit)
        return Sample(
            cpuSeconds: (utime + stime) / clockTicksPerSecond,
            residentBytes: rssPages * pageSize,
            virtualBytes: vsize,
            startTimeSeconds: bootTime() + startTicks / clockTicksPerSecond,
            openFDs: countEntries(procRoot + "/self/fd"),
            maxFDs: limit.rlim_cur >= rlim_t(Int.max) ? Int.max : Int(limit.rlim_cur))
    }

    /// Appends the sample in Prometheus text format.
    public func write(into out: inout [UInt8]) {
        guard let sample = sample() else { return }
        func metric(_ name: String, _ type: String, _ help: String, _ value: String) {
            out.append(contentsOf: "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(value)\n".utf8)
        }
        metric("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", "\(sample.cpuSeconds)")
        metric("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", "\(sample.residentBytes)")
        metric("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", "\(sample.virtualBytes)")
        metric("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.", "\(sample.startTimeSeconds)")
        metric("process_open_fds", "gauge", "Number of open file descriptors.", "\(sample.openFDs)")
        metric("process_max_fds", "gauge", "Maximum number of open file descriptors.", "\(sample.maxFDs)")
    }

    /// The fields of /proc/[pid]/stat after the command name, which may itself hold spaces
    /// and parentheses: everything after the last ")" splits cleanly. fields[0] is `state`.
    static func statFields(_ bytes: [UInt8]) -> [Substring]? {
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let rest = String(decoding: bytes[(close + 1)...], as: UTF8.self)
        return rest.split(whereSeparator: { $0 == " " || $0 == "\n" })
    }

    private func bootTime() -> Double {
        guard let stat = try? FileBytes.contents(of: procRoot + "/stat") else { return 0 }
        for line in String(decoding: stat, as: UTF8.self).split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingPrefix(" ")) ?? 0
        }
        return 0
    }

    private func countEntries(_ directory: String) -> Int {
        guard let handle = opendir(directory) else { return 0 }
        defer { closedir(handle) }
        var count = 0
        while let entry = readdir(handle) {
            let isDot = withUnsafeBytes(of: entry.pointee.d_name) { name in
                name[0] == UInt8(ascii: ".") && (name[1] == 0 || (name[1] == UInt8(ascii: ".") && name[2] == 0))
            }
            if !isDot { count += 1 }
        }
        // The directory stream itself holds one descriptor while we count.
        return max(0, count - 1)
    }
}

#if canImport(Glibc)
private let RLIMIT_NOFILE_VALUE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
#endif
