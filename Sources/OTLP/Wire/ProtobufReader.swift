import Telemetry

/// Protobuf's binary wire format (protobuf encoding guide, "Message Structure") read from
/// one message's bytes in memory, every read bounds-checked.
///
/// It refuses what swift-protobuf 1.39's `BinaryDecoder` refuses, with the same error, and
/// takes what it takes, because the receiver's direct reader must be indistinguishable from
/// the generated code: a message's tags are read as `nextFieldNumber` reads them (at most 5
/// bytes; wire types 6 and 7, field 0 and a stray end-group refused as malformed), varints
/// as `decodeVarint` (at most 10 bytes; the 10th byte's high bits dropped; an empty input is
/// truncated, a cut-off one malformed), and a field that is unknown, or known but sent with
/// another wire type, is skipped as `skipOver` skips it — groups included, their tags read
/// as plain varints and each group counted as a nesting level.
struct ProtobufReader {
    enum WireType: UInt8 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case startGroup = 3
        case endGroup = 4
        case fixed32 = 5
    }

    struct Tag: Equatable {
        var number: Int
        var wireType: WireType
    }

    /// The whole body: every range the reader hands out indexes into it.
    let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    let end: Int

    init(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) {
        self.bytes = bytes
        position = range.lowerBound
        end = range.upperBound
    }

    /// A reader of the message in `range` of the same body.
    func message(_ range: Range<Int>) -> ProtobufReader {
        ProtobufReader(bytes, range)
    }

    /// The next field's tag; nil at the end of the message.
    mutating func nextTag() throws(ProtobufReaderError) -> Tag? {
        guard position < end else { return nil }
        let available = end - position
        let c0 = bytes[position]
        // The wire type is checked before the tag's length, as swift-protobuf does.
        guard let wireType = WireType(rawValue: c0 & 7) else { throw .malformed }
        var number = Int(c0 & 0x7F) >> 3
        var length = 1
        if c0 & 0x80 != 0 {
            guard available >= 2 else { throw .malformed }
            let c1 = bytes[position + 1]
            number |= Int(c1 & 0x7F) << 4
            length = 2
            if c1 & 0x80 != 0 {
                guard available >= 3 else { throw .malformed }
                let c2 = bytes[position + 2]
                number |= Int(c2 & 0x7F) << 11
                length = 3
                if c2 & 0x80 != 0 {
                    guard available >= 4 else { throw .malformed }
                    let c3 = bytes[position + 3]
                    number |= Int(c3 & 0x7F) << 18
                    length = 4
                    if c3 & 0x80 != 0 {
                        guard available >= 5 else { throw .malformed }
                        // A fifth byte carries the last 4 bits of a 32-bit tag and ends it.
                        let c4 = bytes[position + 4]
                        guard c4 <= 15 else { throw .malformed }
                        number |= Int(c4) << 25
                        length = 5
                    }
                }
            }
        }
        position += length
        // An end-group tag is only read while skipping a group; here no group is open.
        guard number != 0, wireType != .endGroup else { throw .malformed }
        return Tag(number: number, wireType: wireType)
    }

    mutating func varint() throws(ProtobufReaderError) -> UInt64 {
        guard position < end else { throw .truncated }
        var byte = bytes[position]
        position += 1
        if byte < 0x80 { return UInt64(byte) }
        var value = UInt64(byte & 0x7F)
        var shift: UInt64 = 7
        while true {
            guard position < end, shift <= 63 else { throw .malformed }
            byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) &<< shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    mutating func fixed32() throws(ProtobufReaderError) -> UInt32 {
        guard end - position >= 4 else { throw .truncated }
        defer { position += 4 }
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self))
    }

    mutating func fixed64() throws(ProtobufReaderError) -> UInt64 {
        guard end - position >= 8 else { throw .truncated }
        defer { position += 8 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
    }

    /// The bytes of a known length-delimited field (string, bytes, message). swift-protobuf
    /// caps these at 2 GiB and calls a longer length malformed before it looks at what is
    /// left; a skipped field's length is only compared with what is left (`skip`).
    mutating func lengthDelimited() throws(ProtobufReaderError) -> Range<Int> {
        let length = try varint()
        guard length < 0x7FFF_FFFF else { throw .malformed }
        guard length <= UInt64(end - position) else { throw .truncated }
        let start = position
        position += Int(length)
        return start..<position
    }

    /// A string field's bytes, refused unless they are UTF-8 (before anything else is read).
    mutating func string() throws(ProtobufReaderError) -> Range<Int> {
        let range = try lengthDelimited()
        guard UTF8Sequence.isValid(utf8(range)) else { throw .invalidUTF8 }
        return range
    }

    func utf8(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeRawBufferPointer(rebasing: bytes[range]).assumingMemoryBound(to: UInt8.self)
    }

    /// Past the value of a field that is not read.
    /// - Parameters:
    ///   - depth: the nesting level of the message the field is in (the request is 1); a
    ///     group is one level deeper, and may be no deeper than `depthLimit`.
    mutating func skip(_ tag: Tag, depth: Int, depthLimit: Int) throws(ProtobufReaderError) {
        switch tag.wireType {
        case .varint:
            _ = try varint()
        case .fixed64:
            guard end - position >= 8 else { throw .truncated }
            position += 8
        case .fixed32:
            guard end - position >= 4 else { throw .truncated }
            position += 4
        case .lengthDelimited:
            let length = try varint()
            guard length <= UInt64(end - position) else { throw .truncated }
            position += Int(length)
        case .startGroup:
            try skipGroup(tag.number, depth: depth + 1, depthLimit: depthLimit)
        case .endGroup:
            throw .truncated  // `nextTag` refuses it first; swift-protobuf's answer, for completeness
        }
    }

    /// Past a group's fields and its end tag. Inside a group tags are read as any varint
    /// (up to 10 bytes, below 2³² - 1), not with the 5-byte rule of a message's tags.
    private mutating func skipGroup(_ number: Int, depth: Int, depthLimit: Int) throws(ProtobufReaderError) {
        guard depth <= depthLimit else { throw .messageDepthLimit }
        while true {
            guard position < end else { throw .truncated }
            let raw = try varint()
            guard raw < UInt64(UInt32.max), raw >> 3 != 0, let wireType = WireType(rawValue: UInt8(raw & 7)) else {
                throw .malformed
            }
            let inner = Tag(number: Int(raw >> 3), wireType: wireType)
            if wireType == .endGroup {
                guard inner.number == number else { throw .malformed }
                return
            }
            try skip(inner, depth: depth, depthLimit: depthLimit)
        }
    }
}
