/// Every field of `/proc/meminfo`, in file order: the source of `node_memory_*`.
///
/// node_exporter exports every line, not a fixed list, and dashboards use fields that come
/// and go between kernels (`MemAvailable` since 3.14, `Zswap` since 5.19, …), so nothing is
/// hard-coded here: unknown fields are kept like known ones.
public struct Meminfo: Sendable, Hashable {
    public static let fileName = "/proc/meminfo"

    /// One `Name:   value [kB]` line.
    public struct Field: Sendable, Hashable {
        /// The kernel's name, e.g. `MemAvailable`, `Active(anon)`, `HugePages_Total`.
        public var name: String
        /// Bytes when `isBytes` (the kernel printed `kB`, multiplied by 1024 here);
        /// otherwise a plain count (`HugePages_Total`, `HugePages_Free`, …).
        public var value: UInt64
        /// Whether the line carried the `kB` unit.
        public var isBytes: Bool

        public init(name: String, value: UInt64, isBytes: Bool) {
            self.name = name
            self.value = value
            self.isBytes = isBytes
        }

        /// node_exporter's series name for this field, e.g. `node_memory_Active_anon_bytes`.
        public var metricName: String { Meminfo.metricName(field: name, isBytes: isBytes) }
    }

    /// All fields in file order.
    public var fields: [Field]

    public init(fields: [Field]) {
        self.fields = fields
    }

    /// The value of the first field with this name (bytes or count, see `Field.isBytes`).
    /// Linear: there are ~55 fields and collectors look up a handful.
    public subscript(name: String) -> UInt64? {
        fields.first(where: { $0.name == name })?.value
    }

    /// node_exporter's naming: `node_memory_` + the field with `(x)` turned into `_x`
    /// (`Active(anon)` → `Active_anon`), plus `_bytes` when the kernel printed `kB`. Any other
    /// byte that Prometheus does not allow in a name becomes `_`, so an odd future field
    /// cannot produce an unscrapeable exposition.
    public static func metricName(field: String, isBytes: Bool) -> String {
        var name = "node_memory_"
        for scalar in field.unicodeScalars {
            switch scalar {
            case "(": name.append("_")
            case ")": continue
            case "a"..."z", "A"..."Z", "0"..."9", "_": name.unicodeScalars.append(scalar)
            default: name.append("_")
            }
        }
        if isBytes { name += "_bytes" }
        return name
    }

    /// Parses the whole file. Fails on an empty file, a line without `name:`, a value that
    /// is not an unsigned integer, a unit other than `kB`, or a kB value whose byte count
    /// exceeds 2^64-1.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> Meminfo {
        var fields: [Field] = []
        fields.reserveCapacity(64)
        try forEachField(bytes) { name, value, isBytes in
            fields.append(Field(name: name.string, value: value, isBytes: isBytes))
        }
        return Meminfo(fields: fields)
    }

    /// `parse` without building a `Field` (and its name `String`) per line: the collector
    /// runs this on every scrape and has the names it needs already. Same checks and errors
    /// as `parse`; `value` is in bytes when `isBytes`.
    static func forEachField(
        _ bytes: [UInt8],
        _ body: (_ name: ArraySlice<UInt8>, _ value: UInt64, _ isBytes: Bool) -> Void
    ) throws(ParseError) {
        let file = fileName
        try ByteScanner.requireContent(bytes, file: file)
        try ByteScanner.forEachLine(bytes) { (number, line) throws(ParseError) in
            if ProcLines.isBlank(line) { return }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                throw ParseError(file: file, line: number, "expected \"Name: value\", found \"\(ProcLines.printable(line))\"")
            }
            var nameCursor = FieldCursor(line[line.startIndex..<colon])
            guard let name = nameCursor.next(), nameCursor.next() == nil else {
                throw ParseError(file: file, line: number, "malformed field name \"\(ProcLines.printable(line[line.startIndex..<colon]))\"")
            }
            var rest = FieldCursor(line[(colon + 1)...])
            guard let valueField = rest.next() else {
                throw ParseError(file: file, line: number, "\(name.string): missing value")
            }
            let value = try ProcLines.uint64(valueField, file: file, line: number, name.string)
            let unit = rest.next()
            guard rest.next() == nil else {
                throw ParseError(file: file, line: number, "\(name.string): unexpected extra fields")
            }
            guard let unit else {
                body(name, value, false)
                return
            }
            guard unit.equals("kB") else {
                throw ParseError(file: file, line: number, "\(name.string): unknown unit \"\(ProcLines.printable(unit))\"")
            }
            let (bytes, overflow) = value.multipliedReportingOverflow(by: 1024)
            guard !overflow else {
                throw ParseError(file: file, line: number, "\(name.string): \(value) kB is out of range for a 64-bit byte count")
            }
            body(name, bytes, true)
        }
    }
}
