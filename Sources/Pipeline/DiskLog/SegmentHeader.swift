import Telemetry

/// The first 20 bytes of every segment file:
///
///     0  magic "OWAL"          4 bytes
///     4  version (1)           u16 LE
///     6  flags (0)             u16 LE
///     8  base position         u64 LE   position of the segment's first record
///    16  CRC32C of bytes 0..<16 u32 LE
///
/// The base position makes a segment self-describing (positions survive even if an older
/// segment is lost), the checksum tells a torn or foreign header from ours.
struct SegmentHeader: Hashable {
    static let size = 20
    static let magic: [UInt8] = Array("OWAL".utf8)
    static let version: UInt16 = 1

    var basePosition: UInt64

    func encoded() -> [UInt8] {
        var bytes = Self.magic
        bytes.reserveCapacity(Self.size)
        LittleEndianBytes.append(Self.version, to: &bytes)
        LittleEndianBytes.append(UInt16(0), to: &bytes)
        LittleEndianBytes.append(basePosition, to: &bytes)
        LittleEndianBytes.append(CRC32C.checksum(bytes), to: &bytes)
        return bytes
    }

    /// Why `bytes` is not a valid header, or the header.
    static func decode(_ bytes: [UInt8]) -> Result<SegmentHeader, SegmentHeaderProblem> {
        guard bytes.count >= size else {
            return .failure(SegmentHeaderProblem("header is \(bytes.count) bytes, expected \(size)"))
        }
        guard Array(bytes[0..<4]) == magic else {
            return .failure(SegmentHeaderProblem("bad magic (not a disk log segment)"))
        }
        let stored = LittleEndianBytes.uint32(bytes, at: 16)
        guard CRC32C.checksum(Array(bytes[0..<16])) == stored else {
            return .failure(SegmentHeaderProblem("header checksum mismatch"))
        }
        let version = LittleEndianBytes.uint16(bytes, at: 4)
        guard version == Self.version else {
            return .failure(SegmentHeaderProblem("unsupported segment version \(version)"))
        }
        return .success(SegmentHeader(basePosition: LittleEndianBytes.uint64(bytes, at: 8)))
    }
}
