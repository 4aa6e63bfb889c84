/// Lexing helpers shared by the process and cgroup parsers, kept out of ByteScanner.swift so
/// that file has one owner.
extension ByteScanner {
    /// Walks a "flat keyed" file (cgroup-v2.rst's term: `KEY VALUE` per line), as used by
    /// cpu.stat, memory.stat, memory.events and their v1 cousins.
    ///
    /// A line that is not exactly two fields is malformed and throws with its line number:
    /// the kernel never writes a key without a value, so such a line means a truncated or
    /// foreign file, and extra fields are trailing garbage. What to do with the value is the
    /// caller's business, so unknown keys can be kept or skipped there.
    static func forEachKeyValue(
        _ bytes: [UInt8],
        file: String,
        _ body: (_ key: ArraySlice<UInt8>, _ value: ArraySlice<UInt8>, _ line: Int) throws(ParseError) -> Void
    ) throws(ParseError) {
        try requireContent(bytes, file: file)
        try forEachNumberedLine(bytes) { line, number throws(ParseError) in
            let fields = ByteScanner.fields(line)
            guard fields.count == 2 else {
                throw ParseError(file: file, line: number, "expected `key value`, found \(fields.count) field(s)")
            }
            try body(fields[0], fields[1], number)
        }
    }

    /// Reads every `key value` line whose value is an unsigned integer into a dictionary.
    ///
    /// A key in `strict` (one a parser exposes as a typed field) must hold a valid UInt64, or
    /// this throws with the line number. Any other key whose value is not a UInt64 is skipped:
    /// a future kernel may add one, and an unknown key must never fail the whole file.
    static func flatKeyedUInt64s(
        _ bytes: [UInt8],
        file: String,
        strict: [StaticString]
    ) throws(ParseError) -> [String: UInt64] {
        var values: [String: UInt64] = [:]
        try forEachKeyValue(bytes, file: file) { key, value, line throws(ParseError) in
            if let number = value.uint64 {
                values[key.string] = number
            } else if let known = strict.first(where: { key.equals($0) }) {
                _ = try value.requireUInt64(file: file, line: line, key: known)
            }
        }
        return values
    }
}

extension ArraySlice<UInt8> {
    /// The slice without leading and trailing spaces, tabs, CRs and newlines.
    func trimmingBlanks() -> ArraySlice<UInt8> {
        var start = startIndex
        var end = endIndex
        while start < end, ByteScanner.isSpace(self[start]) { start += 1 }
        while end > start, ByteScanner.isSpace(self[end - 1]) { end -= 1 }
        return self[start..<end]
    }

    /// Parses a required unsigned value, or throws an error that names the key and line.
    func requireUInt64(file: String, line: Int?, key: StaticString) throws(ParseError) -> UInt64 {
        guard let value = uint64 else {
            throw ParseError(file: file, line: line, "\(key): `\(String(decoding: self.prefix(40), as: UTF8.self))` is not an unsigned 64-bit integer")
        }
        return value
    }

    /// Splits `major:minor` (a block device number as cgroup files print it).
    func deviceNumber() -> (major: UInt32, minor: UInt32)? {
        guard let colon = firstIndex(of: UInt8(ascii: ":")),
              let major = self[startIndex..<colon].uint64, major <= UInt64(UInt32.max),
              let minor = self[(colon + 1)..<endIndex].uint64, minor <= UInt64(UInt32.max)
        else { return nil }
        return (UInt32(major), UInt32(minor))
    }
}

extension Dictionary where Key == String, Value == UInt64 {
    /// Looks up a key that must be present: the kernel always writes it.
    func require(_ key: String, file: String) throws(ParseError) -> UInt64 {
        guard let value = self[key] else {
            throw ParseError(file: file, "missing or invalid `\(key)`")
        }
        return value
    }
}
