/// `/proc/[pid]/limits`: the rlimits of another process, which `getrlimit` cannot read.
/// Feeds `process_max_fds` (soft "Max open files") and `process_virtual_memory_max_bytes`
/// ("Max address space"), so an alert can fire before a service runs out of descriptors.
public struct ProcessLimits: Sendable, Hashable {
    /// One row's soft and hard limit. `nil` means `unlimited` (RLIM_INFINITY). Optional
    /// rather than `UInt64.max` so a caller cannot divide by or compare against a fake
    /// number by accident; exporters that want prometheus/procfs's convention can map nil.
    public struct Limit: Sendable, Hashable {
        public var soft: UInt64?
        public var hard: UInt64?

        public init(soft: UInt64?, hard: UInt64?) {
            self.soft = soft
            self.hard = hard
        }
    }

    /// "Max open files", in file descriptors.
    public var openFiles: Limit
    /// "Max address space", in bytes.
    public var addressSpace: Limit
    /// Every row by its name as printed ("Max cpu time", "Max stack size", …), for
    /// collectors that want more later. Units are the row's (seconds, bytes, files, …).
    public var all: [String: Limit]

    public init(openFiles: Limit, addressSpace: Limit, all: [String: Limit]) {
        self.openFiles = openFiles
        self.addressSpace = addressSpace
        self.all = all
    }

    static let file = "/proc/[pid]/limits"

    /// The file is a table printed with `%-25s %-20s %-20s %-10s`, and limit names contain
    /// spaces, so fields cannot be taken by position. Rather than trust the column widths
    /// (which the kernel has never promised), the name is everything before the first field
    /// that reads as a value (`unlimited` or digits): no limit name contains such a word.
    /// The units column is absent on some rows ("Max nice priority").
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> ProcessLimits {
        var all: [String: Limit] = [:]
        var sawHeader = false
        try ByteScanner.forEachNumberedLine(bytes) { line, number throws(ParseError) in
            if line.hasPrefix("Limit ") {
                sawHeader = true
                return
            }
            let fields = ByteScanner.fields(line)
            guard let valueIndex = fields.firstIndex(where: { isValue($0) }), valueIndex > 0 else {
                throw ParseError(file: file, line: number, "no limit value on the line")
            }
            guard valueIndex + 1 < fields.count, isValue(fields[valueIndex + 1]) else {
                throw ParseError(file: file, line: number, "expected a soft and a hard limit")
            }
            guard fields.count <= valueIndex + 3 else {
                throw ParseError(file: file, line: number, "trailing garbage after the units column")
            }
            let name = line[line.startIndex..<fields[valueIndex].startIndex].trimmingBlanks().string
            all[name] = Limit(
                soft: try value(fields[valueIndex], line: number),
                hard: try value(fields[valueIndex + 1], line: number)
            )
        }
        guard sawHeader || !all.isEmpty else { throw ParseError(file: file, "empty file") }
        guard let openFiles = all["Max open files"] else { throw ParseError(file: file, "missing `Max open files`") }
        guard let addressSpace = all["Max address space"] else { throw ParseError(file: file, "missing `Max address space`") }
        return ProcessLimits(openFiles: openFiles, addressSpace: addressSpace, all: all)
    }

    private static func isValue(_ field: ArraySlice<UInt8>) -> Bool {
        field.equals("unlimited") || field.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    private static func value(_ field: ArraySlice<UInt8>, line: Int) throws(ParseError) -> UInt64? {
        if field.equals("unlimited") { return nil }
        return try field.requireUInt64(file: file, line: line, key: "limit")
    }
}
