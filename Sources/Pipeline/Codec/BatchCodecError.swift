/// Why bytes could not be decoded as a batch. Every case names the field being read and
/// the byte offset, so a corrupt disk-buffer record can be reported precisely; none traps.
public enum BatchCodecError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Written by a newer (or unknown) format: it cannot be read by this version.
    case unknownVersion(UInt8)
    /// The bytes end inside `field`.
    case truncated(field: String, offset: Int)
    /// A tag or enum byte with no meaning for `field`.
    case badTag(field: String, offset: Int, tag: UInt8)
    /// A length or count larger than the bytes left: garbage, or a record cut short.
    case badLength(field: String, offset: Int, length: UInt64, remaining: Int)
    /// A string's bytes are not valid UTF-8.
    case badUTF8(field: String, offset: Int, length: Int)
    /// A varint longer than 64 bits.
    case varintOverflow(field: String, offset: Int)
    /// A number larger than `field` can hold (a 32-bit OTLP count or flags word).
    case outOfRange(field: String, offset: Int, value: UInt64)
    /// Attribute values nested deeper than `BatchCodec.maxDepth`.
    case tooDeep(offset: Int)
    /// The header's event count disagrees with the payload.
    case eventCountMismatch(header: Int, decoded: Int)
    /// Bytes left over after a complete batch.
    case trailingBytes(offset: Int, count: Int)

    public var description: String {
        switch self {
        case let .unknownVersion(version):
            return "batch encoding version \(version) is unknown (this build reads \(BatchCodec.version))"
        case let .truncated(field, offset):
            return "batch truncated in \(field) at offset \(offset)"
        case let .badTag(field, offset, tag):
            return "bad tag \(tag) for \(field) at offset \(offset)"
        case let .badLength(field, offset, length, remaining):
            return "length \(length) of \(field) at offset \(offset) exceeds the \(remaining) bytes left"
        case let .badUTF8(field, offset, length):
            return "\(field) at offset \(offset) is not valid UTF-8 (\(length) bytes)"
        case let .varintOverflow(field, offset):
            return "varint of \(field) at offset \(offset) overflows 64 bits"
        case let .outOfRange(field, offset, value):
            return "\(field) at offset \(offset) is \(value), out of its range"
        case let .tooDeep(offset):
            return "attribute values nested deeper than \(BatchCodec.maxDepth) at offset \(offset)"
        case let .eventCountMismatch(header, decoded):
            return "header says \(header) events, payload has \(decoded)"
        case let .trailingBytes(offset, count):
            return "\(count) trailing bytes after the batch at offset \(offset)"
        }
    }
}
