import Telemetry

/// Appends the codec's primitives to one growing array: LEB128 varints for lengths and
/// small numbers, fixed-width little-endian for timestamps, ids and doubles (they are
/// full-width anyway, and fixed width decodes without branches).
struct ByteWriter {
    var bytes: [UInt8]

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    mutating func u8(_ value: UInt8) {
        bytes.append(value)
    }

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func varint(_ value: Int) {
        varint(UInt64(value))
    }

    /// Small negative numbers stay short.
    mutating func zigzag(_ value: Int64) {
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    mutating func fixed64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func timestamp(_ value: Timestamp) {
        fixed64(UInt64(bitPattern: value.nanosecondsSinceEpoch))
    }

    /// The bit pattern, so NaN payloads, signed zeros and infinities survive.
    mutating func double(_ value: Double) {
        fixed64(value.bitPattern)
    }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            varint(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func byteArray(_ value: [UInt8]) {
        varint(value.count)
        bytes.append(contentsOf: value)
    }

    mutating func traceID(_ id: TraceID) {
        fixed64(id.high)
        fixed64(id.low)
    }

    mutating func spanID(_ id: SpanID) {
        fixed64(id.value)
    }
}
