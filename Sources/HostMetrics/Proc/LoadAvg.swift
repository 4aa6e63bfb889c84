/// `/proc/loadavg`: `0.76 1.24 0.78 1/94 22899`, the source of `node_load1`, `node_load5`
/// and `node_load15`.
///
/// The file is a single line with a fixed shape, so anything else (a second line, a
/// missing or extra field) is an error: it means we are not reading what we think we are.
public struct LoadAvg: Sendable, Hashable {
    public static let fileName = "/proc/loadavg"

    /// Exponentially-damped run-queue length over 1, 5 and 15 minutes. On Linux this counts
    /// threads in uninterruptible sleep (usually I/O) as well as runnable ones.
    public var load1: Double
    public var load5: Double
    public var load15: Double
    /// Runnable threads right now (the number before the slash).
    public var runnable: UInt64
    /// Threads that exist right now (the number after the slash).
    public var threads: UInt64
    /// The PID most recently allocated on the system.
    public var lastPID: UInt64

    public init(load1: Double, load5: Double, load15: Double, runnable: UInt64, threads: UInt64, lastPID: UInt64) {
        self.load1 = load1
        self.load5 = load5
        self.load15 = load15
        self.runnable = runnable
        self.threads = threads
        self.lastPID = lastPID
    }

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> LoadAvg {
        let file = fileName
        try ByteScanner.requireContent(bytes, file: file)
        var result: LoadAvg?
        try ByteScanner.forEachLine(bytes) { (number, line) throws(ParseError) in
            if ProcLines.isBlank(line) { return }
            guard result == nil else {
                throw ParseError(file: file, line: number, "unexpected content after the load line: \"\(ProcLines.printable(line))\"")
            }
            var fields = FieldCursor(line)
            guard fields.remainingCount() == 5,
                  let f1 = fields.next(), let f5 = fields.next(), let f15 = fields.next(),
                  let entities = fields.next(), let pid = fields.next() else {
                throw ParseError(file: file, line: number, "expected 5 fields \"load1 load5 load15 runnable/threads lastpid\"")
            }
            guard let slash = entities.firstIndex(of: UInt8(ascii: "/")) else {
                throw ParseError(file: file, line: number, "expected runnable/threads, found \"\(ProcLines.printable(entities))\"")
            }
            result = LoadAvg(
                load1: try ProcLines.decimal(f1, file: file, line: number, "load1"),
                load5: try ProcLines.decimal(f5, file: file, line: number, "load5"),
                load15: try ProcLines.decimal(f15, file: file, line: number, "load15"),
                runnable: try ProcLines.uint64(entities[..<slash], file: file, line: number, "runnable"),
                threads: try ProcLines.uint64(entities[(slash + 1)...], file: file, line: number, "threads"),
                lastPID: try ProcLines.uint64(pid, file: file, line: number, "last pid")
            )
        }
        guard let result else { throw ParseError(file: file, "empty file") }
        return result
    }
}
