/// Finds a line's sequence number and stream key in its raw bytes (no String per line).
///
/// `sequence` returns the line's sequence number, or nil for a line without one.
/// `stream` returns the byte range of the line's stream key within the line, or nil for
/// the stream named "default".
public struct SequenceExtractor: Sendable {
    public typealias SequenceField = @Sendable (UnsafeRawBufferPointer) -> UInt64?
    public typealias StreamField = @Sendable (UnsafeRawBufferPointer) -> Range<Int>?

    public var sequence: SequenceField
    public var stream: StreamField

    public init(sequence: @escaping SequenceField, stream: @escaping StreamField) {
        self.sequence = sequence
        self.stream = stream
    }

    /// The first `"seq":<digits>` (JSON; spaces allowed around the colon) or `seq=<digits>`
    /// (logfmt, query strings) in the line; the stream is the first `"stream":"<x>"` or
    /// `stream=<x>`, else "default".
    public static let standard = SequenceExtractor.fields()

    /// Same matching as `standard` with other field names. `stream: nil`: one stream.
    public static func fields(sequence: String = "seq", stream: String? = "stream") -> SequenceExtractor {
        let sequenceKey = Array(sequence.utf8)
        let streamKey = stream.map { Array($0.utf8) }
        return SequenceExtractor(
            sequence: { LineFields.number(named: sequenceKey, in: $0) },
            stream: { line in streamKey.flatMap { LineFields.value(named: $0, in: line) } }
        )
    }
}

/// Byte-level field matching shared by the extractors.
public enum LineFields {
    /// Where the value of the first `"key":` (JSON) or `key=` (key=value) in `line` starts.
    /// A `key=` must not be the tail of a longer word (`subseq=` is not `seq=`).
    @inline(__always)
    static func valueStart(of key: [UInt8], in line: UnsafeRawBufferPointer, from: Int = 0) -> (start: Int, json: Bool)? {
        let count = line.count
        let keyCount = key.count
        guard keyCount > 0, count > keyCount else { return nil }
        let first = key[0]
        var index = from
        let last = count - keyCount
        while index < last {
            if line[index] == first, matches(key, in: line, at: index) {
                let after = index + keyCount
                if index > 0, line[index - 1] == UInt8(ascii: "\""), line[after] == UInt8(ascii: "\"") {
                    var cursor = after + 1
                    while cursor < count, isSpace(line[cursor]) { cursor += 1 }
                    if cursor < count, line[cursor] == UInt8(ascii: ":") {
                        cursor += 1
                        while cursor < count, isSpace(line[cursor]) { cursor += 1 }
                        return (cursor, true)
                    }
                } else if line[after] == UInt8(ascii: "="), index == 0 || !isWordByte(line[index - 1]) {
                    return (after + 1, false)
                }
            }
            index += 1
        }
        return nil
    }

    /// The unsigned integer value of the first `"key":<digits>` or `key=<digits>` field.
    public static func number(named key: [UInt8], in line: UnsafeRawBufferPointer) -> UInt64? {
        var from = 0
        while let (start, _) = valueStart(of: key, in: line, from: from) {
            var cursor = start
            var value: UInt64 = 0
            var digits = 0
            while cursor < line.count, line[cursor] &- UInt8(ascii: "0") < 10 {
                let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times.addingReportingOverflow(UInt64(line[cursor] &- UInt8(ascii: "0")))
                if overflow1 || overflow2 { return nil }
                value = sum
                digits += 1
                cursor += 1
            }
            if digits > 0 { return value }
            from = start
        }
        return nil
    }

    /// The range of the value of the first `"key":"<value>"` or `key=<value>` field:
    /// a JSON string's raw bytes (escapes not decoded), or a key=value token (quoted or up
    /// to a space, `&`, `,` or `;`).
    public static func value(named key: [UInt8], in line: UnsafeRawBufferPointer) -> Range<Int>? {
        var from = 0
        while let (start, json) = valueStart(of: key, in: line, from: from) {
            from = start
            let count = line.count
            if start < count, line[start] == UInt8(ascii: "\"") {
                var cursor = start + 1
                while cursor < count, line[cursor] != UInt8(ascii: "\"") {
                    cursor += line[cursor] == UInt8(ascii: "\\") ? 2 : 1
                }
                if cursor <= count { return (start + 1)..<min(cursor, count) }
            } else if !json {
                var cursor = start
                while cursor < count, !isSeparator(line[cursor]) { cursor += 1 }
                if cursor > start { return start..<cursor }
            }
        }
        return nil
    }

    @inline(__always)
    static func matches(_ key: [UInt8], in line: UnsafeRawBufferPointer, at index: Int) -> Bool {
        for offset in 1..<key.count where line[index + offset] != key[offset] { return false }
        return true
    }

    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
    }

    @inline(__always)
    static func isWordByte(_ byte: UInt8) -> Bool {
        (byte | 0x20) &- UInt8(ascii: "a") < 26 || byte &- UInt8(ascii: "0") < 10 || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }

    @inline(__always)
    static func isSeparator(_ byte: UInt8) -> Bool {
        isSpace(byte) || byte == UInt8(ascii: "&") || byte == UInt8(ascii: ",") || byte == UInt8(ascii: ";")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "}")
    }
}
