/// An amount of memory or disk written the way operators write it: `512KiB`, `64MiB`,
/// `1GB`, `1.5MiB`, or a bare number of bytes (`100`).
///
/// Binary (`KiB`, `MiB`, `GiB`, `TiB`) and decimal (`KB` or `kB`, `MB`, `GB`, `TB`) units
/// are both accepted and mean what they say: `1GB` is 10^9 bytes, `1GiB` is 2^30.
/// Fractions are allowed; a fraction of a byte is dropped.
public struct ByteSize: ConfigScalar, Sendable, Hashable, Comparable, CustomStringConvertible {
    public let bytes: Int

    public init(bytes: Int) {
        precondition(bytes >= 0, "ByteSize cannot be negative: \(bytes)")
        self.bytes = bytes
    }

    public init(parsing text: String) throws(ValueParseError) {
        guard let (number, unit) = DecimalNumber.prefix(of: Substring(text)),
              let multiplier = Self.units[String(unit)] else {
            throw ValueParseError(message: "\(Self.expectation), got \(quoted(text))")
        }
        guard let bytes = number.scaled(by: multiplier), let exact = Int(exactly: bytes) else {
            throw ValueParseError(message: "expected a byte size below 8EiB, got \(quoted(text))")
        }
        self.bytes = exact
    }

    /// The largest unit, binary or decimal, that expresses the size exactly, so it reads
    /// back unchanged and as briefly as possible: `64MiB`, `2TB`, `1536KiB`, `100B`.
    public var description: String {
        guard bytes != 0 else { return "0B" }
        for (name, size) in Self.canonicalUnits where bytes % size == 0 {
            return "\(bytes / size)\(name)"
        }
        return "\(bytes)B"
    }

    public static func < (lhs: ByteSize, rhs: ByteSize) -> Bool {
        lhs.bytes < rhs.bytes
    }

    public static let expectation = "expected a byte size like \"64MiB\""

    /// Largest first; each binary unit is a little larger than its decimal namesake.
    private static let canonicalUnits: [(String, Int)] = [
        ("TiB", 1 << 40), ("TB", 1_000_000_000_000), ("GiB", 1 << 30), ("GB", 1_000_000_000),
        ("MiB", 1 << 20), ("MB", 1_000_000), ("KiB", 1 << 10), ("KB", 1_000),
    ]

    private static let units: [String: Int64] = [
        "": 1, "B": 1,
        "KB": 1_000, "kB": 1_000, "MB": 1_000_000, "GB": 1_000_000_000, "TB": 1_000_000_000_000,
        "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40,
    ]
}
