import Telemetry

/// One record on disk:
///
///     0  payload length         u32 LE
///     4  CRC32C(length ‖ payload) u32 LE
///     8  payload
///
/// The checksum covers the length bytes as well as the payload. A checksum of the payload
/// alone is 0 for an empty payload, so a run of zero bytes — what ext4 can leave past the
/// last fsync after a power cut — would parse as endless valid empty records. CRC32C of
/// four zero bytes is not zero, so a zero-filled tail fails the check and is truncated.
enum SegmentFrame {
    static let headerSize = 8

    static func size(ofPayload count: Int) -> Int {
        headerSize + count
    }

    /// The frames of `records`, contiguous, so a batch is one pwrite.
    static func encode(_ records: ArraySlice<[UInt8]>) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(records.reduce(0) { $0 + size(ofPayload: $1.count) })
        for record in records {
            let length = UInt32(record.count)
            LittleEndianBytes.append(length, to: &bytes)
            let crc = record.withUnsafeBytes { checksum(length: length, payload: $0) }
            LittleEndianBytes.append(crc, to: &bytes)
            bytes.append(contentsOf: record)
        }
        return bytes
    }

    static func checksum(length: UInt32, payload: UnsafeRawBufferPointer) -> UInt32 {
        let prefix = withUnsafeBytes(of: length.littleEndian) { CRC32C.update(0, $0) }
        return CRC32C.update(prefix, payload)
    }
}
