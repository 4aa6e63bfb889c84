import Telemetry

/// Reads the codec's primitives from borrowed bytes, checking every length against what is
/// left before touching memory, so garbage yields a `BatchCodecError`, never a trap.
struct ByteReader {
    private let base: UnsafeBufferPointer<UInt8>
    private(set) var offset = 0

    init(_ base: UnsafeBufferPointer<UInt8>) {
        self.base = base
    }

    var remaining: Int { base.count - offset }

    mutating func u8(_ field: StaticString) throws(BatchCodecError) -> UInt8 {
        guard offset < base.count else { throw .truncated(field: "\(field)", offset: offset) }
        defer { offset += 1 }
        return base[offset]
    }

    mutating func varint(_ field: StaticString) throws(BatchCodecError) -> UInt64 {
        let start = offset
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < base.count else { throw .truncated(field: "\(field)", offset: start) }
            let byte = base[offset]
            offset += 1
            // The tenth byte may only carry the 64th bit.
            if shift == 63 && byte > 1 { throw .varintOverflow(field: "\(field)", offset: start) }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    mutating func zigzag(_ field: StaticString) throws(BatchCodecError) -> Int64 {
        let raw = try varint(field)
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    /// A length or element count. Every element takes at least one byte, so a count larger
    /// than the bytes left is garbage: refusing it early keeps a forged count from making
    /// the decoder reserve gigabytes.
    mutating func count(_ field: StaticString) throws(BatchCodecError) -> Int {
        let start = offset
        let value = try varint(field)
        guard value <= UInt64(remaining) else {
            throw .badLength(field: "\(field)", offset: start, length: value, remaining: remaining)
        }
        return Int(value)
    }

    mutating func fixed64(_ field: StaticString) throws(BatchCodecError) -> UInt64 {
        guard remaining >= 8 else { throw .truncated(field: "\(field)", offset: offset) }
        var value: UInt64 = 0
        for index in (0..<8).reversed() { value = value << 8 | UInt64(base[offset + index]) }
        offset += 8
        return value
    }

    mutating func timestamp(_ field: StaticString) throws(BatchCodecError) -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: Int64(bitPattern: try fixed64(field)))
    }

    mutating func double(_ field: StaticString) throws(BatchCodecError) -> Double {
        Double(bitPattern: try fixed64(field))
    }

    mutating func string(_ field: StaticString) throws(BatchCodecError) -> String {
        let length = try count(field)
        if length == 0 { return "" }
        let start = offset
        guard let value = String(validating: UnsafeBufferPointer(rebasing: base[start..<(start + length)]), as: UTF8.self)
        else { throw .badUTF8(field: "\(field)", offset: start, length: length) }
        offset += length
        return value
    }

    mutating func byteArray(_ field: StaticString) throws(BatchCodecError) -> [UInt8] {
        let length = try count(field)
        defer { offset += length }
        return Array(UnsafeBufferPointer(rebasing: base[offset..<(offset + length)]))
    }

    mutating func traceID(_ field: StaticString) throws(BatchCodecError) -> TraceID {
        let high = try fixed64(field)
        return TraceID(high: high, low: try fixed64(field))
    }

    mutating func spanID(_ field: StaticString) throws(BatchCodecError) -> SpanID {
        SpanID(try fixed64(field))
    }
}
