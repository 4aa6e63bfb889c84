/// Kernel and CPU activity from `/proc/stat`: the source of `node_cpu_seconds_total`,
/// `node_context_switches_total`, `node_boot_time_seconds`, `node_forks_total`,
/// `node_procs_running`, `node_procs_blocked` and `node_intr_total`.
///
/// CPU times are kept in the kernel's unit, USER_HZ ticks, so the parser stays pure; the
/// collector converts once with `sysconf(_SC_CLK_TCK)` through `CPUTimes.seconds(ticksPerSecond:)`.
///
/// Lines whose key this parser does not know (`softirq`, future keys) are ignored: the
/// kernel adds keys over time and an agent must not fail on a newer kernel. Lines with a
/// known key must be well-formed, or parsing fails with the line number.
public struct ProcStat: Sendable, Hashable {
    public static let fileName = "/proc/stat"

    /// Ticks spent in each mode since boot, for one CPU or for all of them (`cpu` line).
    ///
    /// Columns appeared over kernel history: iowait (2.5.41), irq and softirq (2.6.0), steal
    /// (2.6.11), guest (2.6.24), guest_nice (2.6.33). A column the kernel did not print is
    /// `nil` here, so "not reported" stays distinct from "zero"; `seconds(ticksPerSecond:)`
    /// turns `nil` into 0, which is what node_exporter exports for those modes.
    /// Note the kernel already counts guest time inside user (and guest_nice inside nice).
    public struct CPUTimes: Sendable, Hashable {
        public var user: UInt64
        public var nice: UInt64
        public var system: UInt64
        public var idle: UInt64
        public var iowait: UInt64?
        public var irq: UInt64?
        public var softirq: UInt64?
        public var steal: UInt64?
        public var guest: UInt64?
        public var guestNice: UInt64?

        public init(
            user: UInt64, nice: UInt64, system: UInt64, idle: UInt64,
            iowait: UInt64? = nil, irq: UInt64? = nil, softirq: UInt64? = nil,
            steal: UInt64? = nil, guest: UInt64? = nil, guestNice: UInt64? = nil
        ) {
            self.user = user
            self.nice = nice
            self.system = system
            self.idle = idle
            self.iowait = iowait
            self.irq = irq
            self.softirq = softirq
            self.steal = steal
            self.guest = guest
            self.guestNice = guestNice
        }

        /// The same times in seconds; pass `Double(sysconf(_SC_CLK_TCK))` (100 on every
        /// mainstream Linux). Columns the kernel did not report become 0.
        public func seconds(ticksPerSecond: Double) -> CPUSeconds {
            func s(_ ticks: UInt64?) -> Double { Double(ticks ?? 0) / ticksPerSecond }
            return CPUSeconds(
                user: s(user), nice: s(nice), system: s(system), idle: s(idle),
                iowait: s(iowait), irq: s(irq), softirq: s(softirq), steal: s(steal),
                guest: s(guest), guestNice: s(guestNice)
            )
        }
    }

    /// `CPUTimes` converted to seconds, ready for `node_cpu_seconds_total{mode=...}` and
    /// `node_cpu_guest_seconds_total{mode="user"|"nice"}`.
    public struct CPUSeconds: Sendable, Hashable {
        public var user: Double
        public var nice: Double
        public var system: Double
        public var idle: Double
        public var iowait: Double
        public var irq: Double
        public var softirq: Double
        public var steal: Double
        public var guest: Double
        public var guestNice: Double
    }

    /// One `cpuN` line. `index` is N from the name, not the position in the file: offline
    /// CPUs are simply absent, so the numbering can have gaps (cpu0, cpu2).
    public struct CPU: Sendable, Hashable {
        public var index: Int
        public var times: CPUTimes

        public init(index: Int, times: CPUTimes) {
            self.index = index
            self.times = times
        }
    }

    /// The `cpu` line: the sum over all online CPUs.
    public var total: CPUTimes
    /// The `cpuN` lines, in file order.
    public var cpus: [CPU]
    /// `ctxt`: context switches since boot.
    public var contextSwitches: UInt64?
    /// `btime`: boot time, seconds since the Unix epoch.
    public var bootTime: UInt64?
    /// `processes`: forks since boot (`node_forks_total`).
    public var processesCreated: UInt64?
    /// `procs_running`: runnable threads right now.
    public var procsRunning: UInt64?
    /// `procs_blocked`: threads blocked on I/O right now.
    public var procsBlocked: UInt64?
    /// The first number of the `intr` line: all interrupts serviced since boot. The
    /// per-IRQ numbers that follow are not kept.
    public var interruptsTotal: UInt64?
    /// The first number of the `softirq` line: all softirqs since boot.
    public var softirqsTotal: UInt64?

    public init(
        total: CPUTimes, cpus: [CPU], contextSwitches: UInt64? = nil, bootTime: UInt64? = nil,
        processesCreated: UInt64? = nil, procsRunning: UInt64? = nil, procsBlocked: UInt64? = nil,
        interruptsTotal: UInt64? = nil, softirqsTotal: UInt64? = nil
    ) {
        self.total = total
        self.cpus = cpus
        self.contextSwitches = contextSwitches
        self.bootTime = bootTime
        self.processesCreated = processesCreated
        self.procsRunning = procsRunning
        self.procsBlocked = procsBlocked
        self.interruptsTotal = interruptsTotal
        self.softirqsTotal = softirqsTotal
    }

    /// Parses the whole file. Fails on an empty file, a missing `cpu` line, a CPU line with
    /// fewer than four columns, a duplicated CPU, or a malformed number on a known line.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> ProcStat {
        let file = fileName
        try ByteScanner.requireContent(bytes, file: file)
        var total: CPUTimes?
        var cpus: [CPU] = []
        var seenIndices = Set<Int>()
        // One buffer for the whole file rather than one array per CPU line.
        var columns = [UInt64?](repeating: nil, count: 10)
        var stat = ProcStat(total: CPUTimes(user: 0, nice: 0, system: 0, idle: 0), cpus: [])

        try ByteScanner.forEachLine(bytes) { (number, line) throws(ParseError) in
            var fields = FieldCursor(line)
            guard let key = fields.next() else { return }
            if key.hasPrefix("cpu") {
                let suffix = key.dropFirst(3)
                if suffix.isEmpty {
                    guard total == nil else { throw ParseError(file: file, line: number, "duplicate cpu line") }
                    total = try cpuTimes(&fields, &columns, file: file, line: number)
                } else {
                    guard let index = suffix.uint64, index <= UInt64(Int32.max) else {
                        // `cpufreq`-like keys do not exist today; refuse rather than guess.
                        throw ParseError(file: file, line: number, "malformed CPU name \"\(ProcLines.printable(key))\"")
                    }
                    let cpu = CPU(index: Int(index), times: try cpuTimes(&fields, &columns, file: file, line: number))
                    guard seenIndices.insert(cpu.index).inserted else {
                        throw ParseError(file: file, line: number, "duplicate cpu\(cpu.index) line")
                    }
                    cpus.append(cpu)
                }
            } else if key.equals("ctxt") {
                stat.contextSwitches = try single(&fields, file: file, line: number, "ctxt")
            } else if key.equals("btime") {
                stat.bootTime = try single(&fields, file: file, line: number, "btime")
            } else if key.equals("processes") {
                stat.processesCreated = try single(&fields, file: file, line: number, "processes")
            } else if key.equals("procs_running") {
                stat.procsRunning = try single(&fields, file: file, line: number, "procs_running")
            } else if key.equals("procs_blocked") {
                stat.procsBlocked = try single(&fields, file: file, line: number, "procs_blocked")
            } else if key.equals("intr") {
                stat.interruptsTotal = try first(&fields, file: file, line: number, "intr")
            } else if key.equals("softirq") {
                stat.softirqsTotal = try first(&fields, file: file, line: number, "softirq")
            }
            // Any other key (`page`, `swap` on 2.4 kernels, whatever comes next) is ignored.
        }

        guard let total else { throw ParseError(file: file, "no cpu line") }
        stat.total = total
        stat.cpus = cpus
        return stat
    }

    private static func cpuTimes(
        _ fields: inout FieldCursor, _ values: inout [UInt64?], file: String, line: Int
    ) throws(ParseError) -> CPUTimes {
        // Ten columns are known; more are tolerated (a future kernel) and ignored.
        for index in values.indices { values[index] = nil }
        var count = 0
        while let field = fields.next() {
            if count < 10 {
                values[count] = try ProcLines.uint64(field, file: file, line: line, "cpu column \(count + 1)")
            }
            count += 1
        }
        guard count >= 4, let user = values[0], let nice = values[1], let system = values[2], let idle = values[3] else {
            throw ParseError(file: file, line: line, "expected at least 4 cpu columns, found \(count)")
        }
        return CPUTimes(
            user: user, nice: nice, system: system, idle: idle,
            iowait: values[4], irq: values[5], softirq: values[6],
            steal: values[7], guest: values[8], guestNice: values[9]
        )
    }

    private static func single(
        _ fields: inout FieldCursor, file: String, line: Int, _ key: String
    ) throws(ParseError) -> UInt64 {
        guard let field = fields.next() else { throw ParseError(file: file, line: line, "\(key): missing value") }
        let value = try ProcLines.uint64(field, file: file, line: line, key)
        guard fields.next() == nil else { throw ParseError(file: file, line: line, "\(key): unexpected extra fields") }
        return value
    }

    /// `intr` and `softirq` lines: the total, then per-source counts that are not checked
    /// (there can be thousands, and only the total is exported).
    private static func first(
        _ fields: inout FieldCursor, file: String, line: Int, _ key: String
    ) throws(ParseError) -> UInt64 {
        guard let field = fields.next() else { throw ParseError(file: file, line: line, "\(key): missing total") }
        return try ProcLines.uint64(field, file: file, line: line, key)
    }
}
