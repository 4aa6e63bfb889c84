/// Block-device I/O counters from `/proc/diskstats`: the source of `node_disk_*`.
///
/// Each line is `major minor name` then 11 counters (every kernel since 2.6), 15 (4.18 added
/// four discard counters) or 17 (5.5 added two flush counters). More than 17 is accepted for
/// kernels not yet written and the extras are ignored; fewer than 11 is an error (only
/// pre-2.6.25 partition lines had 4, and no supported kernel prints them).
///
/// Several counters are `unsigned int` in some kernels (times in ms, in-flight), so they wrap
/// at 2^32 on long-running busy hosts; rate() handles the wrap as a counter reset.
public struct DiskStats: Sendable, Hashable {
    public static let fileName = "/proc/diskstats"
    /// The kernel counts sectors in 512-byte units whatever the device's real sector size.
    public static let sectorSize: UInt64 = 512

    /// node_exporter's default `--collector.diskstats.device-exclude` (checked in the 1.5.0
    /// binary), kept for documentation and /status; matching uses `isExcludedByDefault`.
    public static let defaultDeviceExcludePattern = #"^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$"#

    public struct Discards: Sendable, Hashable {
        public var completed: UInt64
        public var merged: UInt64
        public var sectors: UInt64
        public var timeMilliseconds: UInt64

        public init(completed: UInt64, merged: UInt64, sectors: UInt64, timeMilliseconds: UInt64) {
            self.completed = completed
            self.merged = merged
            self.sectors = sectors
            self.timeMilliseconds = timeMilliseconds
        }
    }

    public struct Flushes: Sendable, Hashable {
        public var completed: UInt64
        public var timeMilliseconds: UInt64

        public init(completed: UInt64, timeMilliseconds: UInt64) {
            self.completed = completed
            self.timeMilliseconds = timeMilliseconds
        }
    }

    public struct Device: Sendable, Hashable {
        public var major: UInt32
        public var minor: UInt32
        public var name: String
        public var readsCompleted: UInt64
        public var readsMerged: UInt64
        public var sectorsRead: UInt64
        public var readTimeMilliseconds: UInt64
        public var writesCompleted: UInt64
        public var writesMerged: UInt64
        public var sectorsWritten: UInt64
        public var writeTimeMilliseconds: UInt64
        /// I/Os in flight right now (a gauge, not a counter).
        public var ioInProgress: UInt64
        /// Milliseconds the device had at least one I/O in flight (`node_disk_io_time_seconds_total`).
        public var ioTimeMilliseconds: UInt64
        /// In-flight count integrated over time (`node_disk_io_time_weighted_seconds_total`).
        public var weightedIOTimeMilliseconds: UInt64
        /// `nil` before kernel 4.18.
        public var discards: Discards?
        /// `nil` before kernel 5.5.
        public var flushes: Flushes?

        public init(
            major: UInt32, minor: UInt32, name: String,
            readsCompleted: UInt64, readsMerged: UInt64, sectorsRead: UInt64, readTimeMilliseconds: UInt64,
            writesCompleted: UInt64, writesMerged: UInt64, sectorsWritten: UInt64, writeTimeMilliseconds: UInt64,
            ioInProgress: UInt64, ioTimeMilliseconds: UInt64, weightedIOTimeMilliseconds: UInt64,
            discards: Discards? = nil, flushes: Flushes? = nil
        ) {
            self.major = major
            self.minor = minor
            self.name = name
            self.readsCompleted = readsCompleted
            self.readsMerged = readsMerged
            self.sectorsRead = sectorsRead
            self.readTimeMilliseconds = readTimeMilliseconds
            self.writesCompleted = writesCompleted
            self.writesMerged = writesMerged
            self.sectorsWritten = sectorsWritten
            self.writeTimeMilliseconds = writeTimeMilliseconds
            self.ioInProgress = ioInProgress
            self.ioTimeMilliseconds = ioTimeMilliseconds
            self.weightedIOTimeMilliseconds = weightedIOTimeMilliseconds
            self.discards = discards
            self.flushes = flushes
        }

        /// `sectorsRead` × 512, as a Double like node_exporter (exact below 2^53 bytes).
        public var bytesRead: Double { Double(sectorsRead) * Double(DiskStats.sectorSize) }
        public var bytesWritten: Double { Double(sectorsWritten) * Double(DiskStats.sectorSize) }
    }

    /// Devices in file order.
    public var devices: [Device]

    public init(devices: [Device]) {
        self.devices = devices
    }

    /// Parses the whole file. An empty file is an error (every Linux system has at least
    /// one block device line, if only `loop0` or `ram0`).
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> DiskStats {
        let file = fileName
        try ByteScanner.requireContent(bytes, file: file)
        var devices: [Device] = []
        var values = [UInt64](repeating: 0, count: 17)

        try ByteScanner.forEachLine(bytes) { (number, line) throws(ParseError) in
            if ProcLines.isBlank(line) { return }
            var fields = FieldCursor(line)
            guard let majorField = fields.next(), let minorField = fields.next(), let nameField = fields.next() else {
                throw ParseError(file: file, line: number, "expected \"major minor name counters…\", found \"\(ProcLines.printable(line))\"")
            }
            guard let major = majorField.uint64, let majorValue = UInt32(exactly: major) else {
                throw ParseError(file: file, line: number, "malformed major number \"\(ProcLines.printable(majorField))\"")
            }
            guard let minor = minorField.uint64, let minorValue = UInt32(exactly: minor) else {
                throw ParseError(file: file, line: number, "malformed minor number \"\(ProcLines.printable(minorField))\"")
            }
            let name = nameField.string
            var count = 0
            while let field = fields.next() {
                if count < 17 {
                    values[count] = try ProcLines.uint64(field, file: file, line: number, "\(name) counter \(count + 1)")
                }
                count += 1
            }
            guard count >= 11 else {
                throw ParseError(file: file, line: number, "\(name): expected at least 11 counters, found \(count)")
            }
            devices.append(Device(
                major: majorValue, minor: minorValue, name: name,
                readsCompleted: values[0], readsMerged: values[1], sectorsRead: values[2], readTimeMilliseconds: values[3],
                writesCompleted: values[4], writesMerged: values[5], sectorsWritten: values[6], writeTimeMilliseconds: values[7],
                ioInProgress: values[8], ioTimeMilliseconds: values[9], weightedIOTimeMilliseconds: values[10],
                discards: count >= 15
                    ? Discards(completed: values[11], merged: values[12], sectors: values[13], timeMilliseconds: values[14])
                    : nil,
                flushes: count >= 17 ? Flushes(completed: values[15], timeMilliseconds: values[16]) : nil
            ))
        }
        return DiskStats(devices: devices)
    }

    /// Whether node_exporter's default device filter,
    /// `^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$`, drops this device. It keeps whole
    /// disks (`sda`, `vda`, `nvme0n1`) and drops their partitions (`sda1`, `nvme0n1p2`) and
    /// ram/loop/floppy devices, so disk totals are not counted twice. Note that it does not drop
    /// `mmcblk0p1`, `dm-0` or `md0`. Hand-written instead of a regex engine: a few byte tests.
    public static func isExcludedByDefault(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { isExcludedByDefault(bytes: $0) }
    }

    /// The byte-level matcher behind `isExcludedByDefault(_:)`.
    public static func isExcludedByDefault(bytes name: UnsafeBufferPointer<UInt8>) -> Bool {
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        /// `\d+` starting at `index`: the index after the digits, or nil if there are none.
        func digits(from index: Int) -> Int? {
            var end = index
            while end < name.count, isDigit(name[end]) { end += 1 }
            return end > index ? end : nil
        }
        /// `\d+$` starting at `index`.
        func digitsToEnd(from index: Int) -> Bool { digits(from: index) == name.count }
        func hasPrefix(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard name.count >= count else { return false }
            return literal.withUTF8Buffer { prefix in
                (0..<count).allSatisfy { name[$0] == prefix[$0] }
            }
        }

        // ram\d+$ | loop\d+$ | fd\d+$
        if hasPrefix("ram") { return digitsToEnd(from: 3) }
        if hasPrefix("loop") { return digitsToEnd(from: 4) }
        if hasPrefix("fd") { return digitsToEnd(from: 2) }
        // (h|s|v|xv)d[a-z]\d+$
        let driveStart = hasPrefix("xv") ? 2 : (hasPrefix("h") || hasPrefix("s") || hasPrefix("v") ? 1 : nil)
        if let driveStart, name.count > driveStart + 1, name[driveStart] == UInt8(ascii: "d") {
            let letter = name[driveStart + 1]
            return letter >= UInt8(ascii: "a") && letter <= UInt8(ascii: "z") && digitsToEnd(from: driveStart + 2)
        }
        // nvme\d+n\d+p\d+$
        if hasPrefix("nvme"), let controllerEnd = digits(from: 4), controllerEnd < name.count,
           name[controllerEnd] == UInt8(ascii: "n"), let namespaceEnd = digits(from: controllerEnd + 1),
           namespaceEnd < name.count, name[namespaceEnd] == UInt8(ascii: "p") {
            return digitsToEnd(from: namespaceEnd + 1)
        }
        return false
    }
}
