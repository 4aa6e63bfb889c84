/// A singular message field's bytes, in the pieces it was sent in. Protobuf merges a
/// singular message that appears more than once (a second `resource`, a second `value` of a
/// key-value), which for the fields inside is the same as reading the pieces one after
/// another: a scalar's last value wins, repeated fields append, and nested messages merge
/// in turn. Nearly always there is one piece, which costs no allocation.
struct ProtobufPieces {
    private(set) var first: Range<Int>
    private(set) var more: [Range<Int>] = []

    init(_ first: Range<Int>) {
        self.first = first
    }

    mutating func append(_ piece: Range<Int>) {
        more.append(piece)
    }

    /// Every field of the merged message, in order, each read (or skipped) by `body`.
    func forEachField(
        _ bytes: UnsafeRawBufferPointer, _ body: (ProtobufReader.Tag, inout ProtobufReader) throws(ProtobufReaderError) -> Void
    ) throws(ProtobufReaderError) {
        var reader = ProtobufReader(bytes, first)
        while let tag = try reader.nextTag() { try body(tag, &reader) }
        for piece in more {
            reader = ProtobufReader(bytes, piece)
            while let tag = try reader.nextTag() { try body(tag, &reader) }
        }
    }
}

extension Optional where Wrapped == ProtobufPieces {
    /// One more occurrence of the field: the first piece, or a piece to merge.
    mutating func add(_ piece: Range<Int>) {
        if self == nil { self = ProtobufPieces(piece) } else { self!.append(piece) }
    }
}

extension ProtobufReader {
    /// Skipping a field of a body `OTLPReaderSchema.check` has already accepted: its groups
    /// are known to nest within the limit.
    mutating func skipChecked(_ tag: Tag) throws(ProtobufReaderError) {
        try skip(tag, depth: 0, depthLimit: .max)
    }
}

extension UnsafeRawBufferPointer {
    /// A string field's text, its bytes already checked to be UTF-8.
    func text(_ range: Range<Int>) -> String {
        range.isEmpty ? "" : String(decoding: UnsafeRawBufferPointer(rebasing: self[range]), as: UTF8.self)
    }
}
