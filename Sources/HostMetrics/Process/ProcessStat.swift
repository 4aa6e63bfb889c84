/// One process's `/proc/[pid]/stat`: the counters behind `process_cpu_seconds_total`,
/// `process_start_time_seconds`, `process_virtual_memory_bytes` and
/// `process_resident_memory_bytes`, read from a single line the kernel writes atomically.
///
/// Units are the kernel's, not converted here, because converting needs values from other
/// files: CPU times and `startTime` are in clock ticks (USER_HZ, `sysconf(_SC_CLK_TCK)`,
/// 100 on every mainstream Linux), `startTime` counts from boot (add `btime` from
/// /proc/stat for a Unix time), and `rssPages` is in pages (`sysconf(_SC_PAGESIZE)`).
public struct ProcessStat: Sendable, Hashable {
    public var pid: Int32
    /// The command name (at most 15 bytes, chosen by the process itself, so it may contain
    /// spaces, parentheses and any other byte).
    public var comm: String
    /// One letter: R running, S sleeping, D disk sleep, Z zombie, T stopped, I idle, …
    public var state: Character
    public var ppid: Int32
    /// CPU time in user mode, in clock ticks.
    public var userTicks: UInt64
    /// CPU time in kernel mode, in clock ticks.
    public var systemTicks: UInt64
    public var threads: UInt64
    /// When the process started, in clock ticks since boot.
    public var startTimeTicks: UInt64
    /// Virtual memory size in bytes.
    public var virtualBytes: UInt64
    /// Resident set size in pages.
    public var rssPages: UInt64

    public init(
        pid: Int32, comm: String, state: Character, ppid: Int32,
        userTicks: UInt64, systemTicks: UInt64, threads: UInt64,
        startTimeTicks: UInt64, virtualBytes: UInt64, rssPages: UInt64
    ) {
        self.pid = pid
        self.comm = comm
        self.state = state
        self.ppid = ppid
        self.userTicks = userTicks
        self.systemTicks = systemTicks
        self.threads = threads
        self.startTimeTicks = startTimeTicks
        self.virtualBytes = virtualBytes
        self.rssPages = rssPages
    }

    static let file = "/proc/[pid]/stat"

    /// Parses the file. `comm` sits between the first `(` and the LAST `)`: a process can
    /// name itself `a) R 1 (b`, so splitting on spaces or on the first `)` would shift every
    /// field after it. Fields after the ones read here (the line has 52 on current kernels)
    /// are ignored, so older and newer kernels both parse.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> ProcessStat {
        let content = bytes[...].trimmingBlanks()
        guard !content.isEmpty else { throw ParseError(file: file, "empty file") }
        guard let open = content.firstIndex(of: UInt8(ascii: "(")),
              let close = content.lastIndex(of: UInt8(ascii: ")")), open < close
        else { throw ParseError(file: file, line: 1, "no `(comm)` field") }

        guard let pid = content[content.startIndex..<open].trimmingBlanks().int64,
              let pid32 = Int32(exactly: pid), pid32 > 0
        else { throw ParseError(file: file, line: 1, "pid is not a positive integer") }
        let comm = content[(open + 1)..<close].string

        // The file is one line; anything after its newline is not the kernel's.
        if content[(close + 1)..<content.endIndex].contains(UInt8(ascii: "\n")) {
            throw ParseError(file: file, line: 2, "trailing garbage after the stat line")
        }
        // Field numbers are proc(5)'s, 1-based; `rest[0]` is field 3 (state). Only the first
        // 22 after the comm are read, so the walk stops there instead of splitting the ~50.
        var cursor = FieldCursor(content[(close + 1)..<content.endIndex])
        var rest = [ArraySlice<UInt8>](repeating: [], count: 22)
        var count = 0
        while count < rest.count, let field = cursor.next() {
            rest[count] = field
            count += 1
        }
        guard count == rest.count else {
            throw ParseError(file: file, line: 1, "expected at least 24 fields, found \(count + 2)")
        }
        guard rest[0].count == 1, let stateByte = rest[0].first else {
            throw ParseError(file: file, line: 1, "state is not one letter")
        }
        guard let ppid = rest[1].int64, let ppid32 = Int32(exactly: ppid), ppid32 >= 0 else {
            throw ParseError(file: file, line: 1, "ppid is not a non-negative integer")
        }
        return ProcessStat(
            pid: pid32,
            comm: comm,
            state: Character(Unicode.Scalar(stateByte)),
            ppid: ppid32,
            userTicks: try rest[11].requireUInt64(file: file, line: 1, key: "utime"),
            systemTicks: try rest[12].requireUInt64(file: file, line: 1, key: "stime"),
            threads: try rest[17].requireUInt64(file: file, line: 1, key: "num_threads"),
            startTimeTicks: try rest[19].requireUInt64(file: file, line: 1, key: "starttime"),
            virtualBytes: try rest[20].requireUInt64(file: file, line: 1, key: "vsize"),
            rssPages: try rest[21].requireUInt64(file: file, line: 1, key: "rss")
        )
    }
}
