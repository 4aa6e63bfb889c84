/// One segment file as the log tracks it in memory: records `basePosition ..< endPosition`
/// in `bytes` bytes of file (header included).
struct Segment: Hashable {
    var basePosition: UInt64
    var recordCount: UInt64
    var bytes: Int
    var path: String

    var endPosition: UInt64 { basePosition + recordCount }

    static let suffix = ".wal"

    /// Zero-padded to 20 digits (all of UInt64) so names sort in position order.
    static func fileName(basePosition: UInt64) -> String {
        let digits = String(basePosition)
        return String(repeating: "0", count: 20 - digits.count) + digits + suffix
    }

    /// The base position a segment file name encodes, or nil if it is not a segment name.
    static func basePosition(fileName: String) -> UInt64? {
        guard fileName.hasSuffix(suffix) else { return nil }
        let digits = fileName.dropLast(suffix.count)
        guard digits.count == 20, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(digits)
    }
}
