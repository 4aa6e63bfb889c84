/// The parts of `/proc/[pid]/status` that /proc/[pid]/stat lacks: peak RSS (VmHWM) and the
/// context-switch counters, which show a process starved of CPU (nonvoluntary) or blocked on
/// I/O and locks (voluntary).
///
/// Memory values are converted from the file's `kB` (KiB) to bytes. They are optional
/// because kernel threads and zombies have no address space, so their status has no `Vm*`
/// lines; a watched application that just exited must not fail the whole collection.
public struct ProcessStatus: Sendable, Hashable {
    /// `Name:` as the kernel prints it (it escapes `\n` and `\\` in status, unlike stat).
    public var name: String
    /// Resident set size in bytes (`VmRSS`).
    public var residentBytes: UInt64?
    /// Virtual memory size in bytes (`VmSize`).
    public var virtualBytes: UInt64?
    /// Peak resident set size in bytes (`VmHWM`, "high water mark").
    public var peakResidentBytes: UInt64?
    public var threads: UInt64
    public var voluntaryContextSwitches: UInt64
    public var nonvoluntaryContextSwitches: UInt64

    public init(
        name: String, residentBytes: UInt64?, virtualBytes: UInt64?, peakResidentBytes: UInt64?,
        threads: UInt64, voluntaryContextSwitches: UInt64, nonvoluntaryContextSwitches: UInt64
    ) {
        self.name = name
        self.residentBytes = residentBytes
        self.virtualBytes = virtualBytes
        self.peakResidentBytes = peakResidentBytes
        self.threads = threads
        self.voluntaryContextSwitches = voluntaryContextSwitches
        self.nonvoluntaryContextSwitches = nonvoluntaryContextSwitches
    }

    static let file = "/proc/[pid]/status"

    /// Parses `Key:<tab>value` lines. Unknown keys are skipped whatever their value (the file
    /// grows with each kernel); a line without a colon is malformed; a known key with a bad
    /// value throws with its line number. `Name`, `Threads` and both context-switch counters
    /// exist for every task since Linux 2.6.23, so their absence is an error.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> ProcessStatus {
        if bytes.allSatisfy(ByteScanner.isSpace) { throw ParseError(file: file, "empty file") }
        var name: String?
        var rss: UInt64?, size: UInt64?, hwm: UInt64?
        var threads: UInt64?, voluntary: UInt64?, nonvoluntary: UInt64?

        try ByteScanner.forEachNumberedLine(bytes) { line, number throws(ParseError) in
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                throw ParseError(file: file, line: number, "expected `Key: value`")
            }
            let key = line[line.startIndex..<colon]
            let value = line[(colon + 1)..<line.endIndex].trimmingBlanks()
            if key.equals("Name") {
                name = value.string
            } else if key.equals("VmRSS") {
                rss = try kibibytes(value, line: number, key: "VmRSS")
            } else if key.equals("VmSize") {
                size = try kibibytes(value, line: number, key: "VmSize")
            } else if key.equals("VmHWM") {
                hwm = try kibibytes(value, line: number, key: "VmHWM")
            } else if key.equals("Threads") {
                threads = try value.requireUInt64(file: file, line: number, key: "Threads")
            } else if key.equals("voluntary_ctxt_switches") {
                voluntary = try value.requireUInt64(file: file, line: number, key: "voluntary_ctxt_switches")
            } else if key.equals("nonvoluntary_ctxt_switches") {
                nonvoluntary = try value.requireUInt64(file: file, line: number, key: "nonvoluntary_ctxt_switches")
            }
        }
        guard let name else { throw ParseError(file: file, "missing `Name`") }
        guard let threads else { throw ParseError(file: file, "missing `Threads`") }
        guard let voluntary, let nonvoluntary else {
            throw ParseError(file: file, "missing `voluntary_ctxt_switches` or `nonvoluntary_ctxt_switches`")
        }
        return ProcessStatus(
            name: name, residentBytes: rss, virtualBytes: size, peakResidentBytes: hwm,
            threads: threads, voluntaryContextSwitches: voluntary, nonvoluntaryContextSwitches: nonvoluntary
        )
    }

    /// `1756 kB` → 1_798_144. The kernel's "kB" means KiB.
    private static func kibibytes(_ value: ArraySlice<UInt8>, line: Int, key: StaticString) throws(ParseError) -> UInt64 {
        let fields = ByteScanner.fields(value)
        guard fields.count == 2, fields[1].equals("kB") else {
            throw ParseError(file: file, line: line, "\(key): expected `<number> kB`")
        }
        let kib = try fields[0].requireUInt64(file: file, line: line, key: key)
        let (bytes, overflow) = kib.multipliedReportingOverflow(by: 1024)
        guard !overflow else { throw ParseError(file: file, line: line, "\(key): \(kib) kB overflows 64 bits in bytes") }
        return bytes
    }
}
