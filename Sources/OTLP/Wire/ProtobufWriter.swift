/// Protobuf's binary wire format (protobuf encoding guide, "Message Structure") written
/// straight into one byte array: the exporter's OTLP requests and the receiver's response
/// bodies, with no message tree in between.
///
/// The functions write what they are given; leaving out proto3 defaults (empty strings,
/// zeros) is the caller's decision, field by field, as generated code decides it.
///
/// An embedded message's length comes before its bytes, and is a varint whose width
/// depends on it. Computing every message's size first needs a size pass per nesting level
/// (sizes recomputed at each, as swift-protobuf's size visitor does); instead
/// `appendMessageField` reserves the width it guesses, writes the message after it, and
/// moves the message when the real length needs another width: one `memmove` of that
/// message in the rare case, nothing in the common one.
public enum ProtobufWriter {
    public enum WireType: UInt64, Sendable {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    public static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    /// Bytes the varint of `value` takes: 1 to 10.
    @inline(__always)
    public static func varintSize(_ value: UInt64) -> Int {
        // Bits in use (at least 1, so that 0 takes a byte), 7 per byte.
        (64 - (value | 1).leadingZeroBitCount + 6) / 7
    }

    @inline(__always)
    public static func varintSize(_ value: Int) -> Int {
        varintSize(UInt64(bitPattern: Int64(value)))
    }

    @inline(__always)
    public static func appendTag(_ field: UInt64, _ wireType: WireType, to out: inout [UInt8]) {
        appendVarint(field << 3 | wireType.rawValue, to: &out)
    }

    /// Wire type 0: bool, enum, int32/64 (negative ones as their 64-bit pattern), uint32/64.
    public static func appendVarintField(_ field: UInt64, _ value: UInt64, to out: inout [UInt8]) {
        appendTag(field, .varint, to: &out)
        appendVarint(value, to: &out)
    }

    /// Wire type 1: fixed64 (little-endian).
    public static func appendFixed64Field(_ field: UInt64, _ value: UInt64, to out: inout [UInt8]) {
        appendTag(field, .fixed64, to: &out)
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    /// Wire type 1: a double, as its IEEE 754 bits.
    public static func appendDoubleField(_ field: UInt64, _ value: Double, to out: inout [UInt8]) {
        appendFixed64Field(field, value.bitPattern, to: &out)
    }

    /// Wire type 5: fixed32 (little-endian).
    public static func appendFixed32Field(_ field: UInt64, _ value: UInt32, to out: inout [UInt8]) {
        appendTag(field, .fixed32, to: &out)
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    /// Wire type 2: bytes, or an embedded message already written.
    public static func appendBytesField(_ field: UInt64, _ bytes: [UInt8], to out: inout [UInt8]) {
        appendTag(field, .lengthDelimited, to: &out)
        appendVarint(UInt64(bytes.count), to: &out)
        out.append(contentsOf: bytes)
    }

    /// Wire type 2: a string, as its UTF-8 bytes (copied in one piece).
    public static func appendStringField(_ field: UInt64, _ text: String, to out: inout [UInt8]) {
        appendTag(field, .lengthDelimited, to: &out)
        appendVarint(UInt64(text.utf8.count), to: &out)
        appendUTF8(text, to: &out)
    }

    @inline(__always)
    static func appendUTF8(_ text: String, to out: inout [UInt8]) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { out.append(contentsOf: $0) }
        if copied == nil { out.append(contentsOf: text.utf8) }
    }

    /// Wire type 2: an embedded message that `body` writes.
    ///
    /// - Parameter lengthGuess: the width (1–5 bytes) to reserve for the length: 1 below 128
    ///   bytes, 2 below 16 KiB, 3 below 2 MiB. A wrong guess costs moving the message once.
    @inline(__always)
    public static func appendMessageField(
        _ field: UInt64, lengthGuess: Int, to out: inout [UInt8], _ body: (inout [UInt8]) -> Void
    ) {
        appendTag(field, .lengthDelimited, to: &out)
        let slot = out.count
        for _ in 0..<lengthGuess { out.append(0) }
        body(&out)
        let length = UInt64(out.count - slot - lengthGuess)
        let width = varintSize(length)
        if width != lengthGuess {
            out.replaceSubrange(slot..<slot + lengthGuess, with: repeatElement(0, count: width))
        }
        out.withUnsafeMutableBufferPointer { buffer in
            var value = length
            var index = slot
            while value >= 0x80 {
                buffer[index] = UInt8(truncatingIfNeeded: value) | 0x80
                value >>= 7
                index += 1
            }
            buffer[index] = UInt8(value)
        }
    }
}
