/// The many cgroup files that hold one number: memory.current, memory.max, pids.current,
/// pids.max (v2); cpuacct.usage, memory.usage_in_bytes, cpu.cfs_period_us, pids.max (v1).
/// One parser for all, so "max", overflow and trailing garbage are handled the same way.
///
/// Each function takes the file's name only to say it in errors.
public enum CgroupSingleValue {
    /// A counter or gauge that is always a number (memory.current, pids.current,
    /// cpuacct.usage, memory.usage_in_bytes, cpu.cfs_period_us).
    public static func number(_ bytes: [UInt8], file: String) throws(ParseError) -> UInt64 {
        let token = try singleToken(bytes, file: file)
        return try token.requireUInt64(file: file, line: 1, key: "value")
    }

    /// A limit that is a number or the word `max` (memory.max, pids.max, memory.high,
    /// memory.swap.max). `max` is nil: there is no limit, and a number standing in for
    /// "infinite" would leak into ratios such as usage / limit.
    public static func limit(_ bytes: [UInt8], file: String) throws(ParseError) -> UInt64? {
        let token = try singleToken(bytes, file: file)
        if token.equals("max") { return nil }
        return try token.requireUInt64(file: file, line: 1, key: "value")
    }

    /// A signed value (cpu.cfs_quota_us, where -1 means no quota).
    public static func signed(_ bytes: [UInt8], file: String) throws(ParseError) -> Int64 {
        let token = try singleToken(bytes, file: file)
        guard let value = token.int64 else {
            throw ParseError(file: file, line: 1, "`\(token.prefix(40).string)` is not a 64-bit integer")
        }
        return value
    }

    /// The file's only token. Surrounding whitespace (the kernel's newline) is allowed;
    /// a second token is trailing garbage.
    static func singleToken(_ bytes: [UInt8], file: String) throws(ParseError) -> ArraySlice<UInt8> {
        let content = bytes[...].trimmingBlanks()
        guard !content.isEmpty else { throw ParseError(file: file, "empty file") }
        guard !content.contains(where: ByteScanner.isSpace) else {
            let line = content.prefix { $0 != UInt8(ascii: "\n") }.count == content.count ? 1 : 2
            throw ParseError(file: file, line: line, "trailing garbage after the value")
        }
        return content
    }
}
