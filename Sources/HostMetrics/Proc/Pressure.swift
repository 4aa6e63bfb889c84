/// Pressure stall information from `/proc/pressure/{cpu,memory,io}` (kernel 4.20+,
/// `CONFIG_PSI`): how long tasks waited for a resource.
///
/// node_exporter 1.5 exports only the cumulative totals, as seconds:
/// `node_pressure_cpu_waiting_seconds_total` (cpu `some`),
/// `node_pressure_memory_waiting_seconds_total` / `..._stalled_seconds_total` (memory
/// `some` / `full`) and `node_pressure_io_waiting_seconds_total` / `..._stalled_seconds_total`
/// (io `some` / `full`). The averages are kept too, for `outrider top` and dashboards.
public struct Pressure: Sendable, Hashable {
    /// The files differ only in name; the name is used in error messages.
    public enum Resource: String, Sendable, Hashable, CaseIterable {
        case cpu, memory, io

        public var fileName: String { "/proc/pressure/\(rawValue)" }
    }

    /// One `some` or `full` line.
    public struct Line: Sendable, Hashable {
        /// Percent of wall time stalled, averaged over 10 s, 60 s and 300 s.
        public var avg10: Double
        public var avg60: Double
        public var avg300: Double
        /// Cumulative stall time in microseconds since boot.
        public var totalMicroseconds: UInt64

        public init(avg10: Double, avg60: Double, avg300: Double, totalMicroseconds: UInt64) {
            self.avg10 = avg10
            self.avg60 = avg60
            self.avg300 = avg300
            self.totalMicroseconds = totalMicroseconds
        }

        /// `totalMicroseconds` in seconds, as node_exporter exports it.
        public var totalSeconds: Double { Double(totalMicroseconds) / 1_000_000 }
    }

    /// Some tasks were stalled on the resource.
    public var some: Line
    /// All non-idle tasks were stalled at once. `nil` when the kernel printed no `full`
    /// line: cpu before 5.13. Since 5.13 cpu has a `full` line, all zeros at system level.
    public var full: Line?

    public init(some: Line, full: Line? = nil) {
        self.some = some
        self.full = full
    }

    /// Parses one pressure file. The `some` line is required. Within a line `key=value`
    /// pairs may come in any order and unknown keys are ignored, but avg10, avg60, avg300
    /// and total must all be present. Lines other than `some`/`full` are errors.
    public static func parse(_ bytes: [UInt8], resource: Resource) throws(ParseError) -> Pressure {
        let file = resource.fileName
        try ByteScanner.requireContent(bytes, file: file)
        var some: Line?
        var full: Line?
        try ByteScanner.forEachLine(bytes) { (number, line) throws(ParseError) in
            if ProcLines.isBlank(line) { return }
            var fields = FieldCursor(line)
            guard let kind = fields.next() else { return }
            if kind.equals("some") {
                guard some == nil else { throw ParseError(file: file, line: number, "duplicate some line") }
                some = try parseLine(&fields, file: file, line: number)
            } else if kind.equals("full") {
                guard full == nil else { throw ParseError(file: file, line: number, "duplicate full line") }
                full = try parseLine(&fields, file: file, line: number)
            } else {
                throw ParseError(file: file, line: number, "expected a some or full line, found \"\(ProcLines.printable(line))\"")
            }
        }
        guard let some else { throw ParseError(file: file, "no some line") }
        return Pressure(some: some, full: full)
    }

    /// The uniform parser signature. Without a resource the error
    /// messages name `/proc/pressure/cpu`; prefer `parse(_:resource:)`.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> Pressure {
        try parse(bytes, resource: .cpu)
    }

    private static func parseLine(_ fields: inout FieldCursor, file: String, line: Int) throws(ParseError) -> Line {
        var avg10: Double?
        var avg60: Double?
        var avg300: Double?
        var total: UInt64?
        while let pair = fields.next() {
            guard let equals = pair.firstIndex(of: UInt8(ascii: "=")) else {
                throw ParseError(file: file, line: line, "expected key=value, found \"\(ProcLines.printable(pair))\"")
            }
            let key = pair[..<equals]
            let value = pair[(equals + 1)...]
            if key.equals("avg10") {
                avg10 = try ProcLines.decimal(value, file: file, line: line, "avg10")
            } else if key.equals("avg60") {
                avg60 = try ProcLines.decimal(value, file: file, line: line, "avg60")
            } else if key.equals("avg300") {
                avg300 = try ProcLines.decimal(value, file: file, line: line, "avg300")
            } else if key.equals("total") {
                total = try ProcLines.uint64(value, file: file, line: line, "total")
            }
        }
        guard let avg10, let avg60, let avg300, let total else {
            throw ParseError(file: file, line: line, "expected avg10, avg60, avg300 and total")
        }
        return Line(avg10: avg10, avg60: avg60, avg300: avg300, totalMicroseconds: total)
    }
}
