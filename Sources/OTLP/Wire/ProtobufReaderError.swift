/// Why bytes are not a protobuf message, in the cases swift-protobuf's `BinaryDecodingError`
/// names for the same input: the reader refuses exactly what swift-protobuf refuses, with the
/// same case, so a receiver answers in the same words whichever parser read the body.
public enum ProtobufReaderError: Error, Sendable, Hashable {
    /// A length, fixed-width value or group runs past the end of its message.
    case truncated
    /// Not protobuf's wire format: a wire type 6 or 7, field number 0, a varint of more than
    /// ten bytes, a tag of more than five, an end-group tag with no group open.
    case malformed
    /// A `string` field is not well-formed UTF-8.
    case invalidUTF8
    /// Messages (or groups in skipped fields) nested deeper than the limit.
    case messageDepthLimit
}
