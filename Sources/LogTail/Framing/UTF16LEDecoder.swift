/// Streaming UTF-16LE → UTF-8 transcoder for log files written in UTF-16 (Windows services).
///
/// It runs on chunks before line framing, not on lines: in UTF-16LE the byte 0x0A is also the
/// low byte of code units like U+010A, so newline framing is only sound on the UTF-8 output.
/// State carried between chunks: an odd trailing byte and a high surrogate awaiting its pair.
/// A byte-order mark U+FEFF at the very start of the stream is dropped; unpaired surrogates
/// become U+FFFD and are counted.
public struct UTF16LEDecoder: Sendable {
    /// Unpaired surrogates (and a dangling odd byte at `finish`) replaced by U+FFFD so far.
    public private(set) var errors = 0
    private var atStart = true
    private var oddByte: UInt8?
    private var highSurrogate: UInt16?

    public init() {}

    /// Input bytes held for the next chunk (an odd byte, a high surrogate's two bytes): the
    /// reader subtracts them to know which file offset its output covers.
    public var pendingInputBytes: Int { (oddByte != nil ? 1 : 0) + (highSurrogate != nil ? 2 : 0) }

    /// Transcode `chunk`, appending UTF-8 to `output`; returns the errors found in it.
    @discardableResult
    public mutating func decode(_ chunk: UnsafeRawBufferPointer, into output: inout [UInt8]) -> Int {
        let before = errors
        var index = 0
        let count = chunk.count
        if let odd = oddByte, count > 0 {
            oddByte = nil
            unit(UInt16(odd) | UInt16(chunk[0]) << 8, into: &output)
            index = 1
        }
        while index + 1 < count {
            let value = UInt16(chunk[index]) | UInt16(chunk[index + 1]) << 8
            // ASCII is the common case even in UTF-16 logs.
            if value < 0x80, highSurrogate == nil, !atStart {
                output.append(UInt8(value))
            } else {
                unit(value, into: &output)
            }
            index += 2
        }
        if index < count { oddByte = chunk[index] }
        return errors - before
    }

    @discardableResult
    public mutating func decode(_ chunk: [UInt8], into output: inout [UInt8]) -> Int {
        chunk.withUnsafeBytes { decode($0, into: &output) }
    }

    /// End of stream: a pending high surrogate or odd byte becomes U+FFFD.
    @discardableResult
    public mutating func finish(into output: inout [UInt8]) -> Int {
        let before = errors
        if highSurrogate != nil {
            highSurrogate = nil
            replace(into: &output)
        }
        if oddByte != nil {
            oddByte = nil
            replace(into: &output)
        }
        return errors - before
    }

    private mutating func unit(_ value: UInt16, into output: inout [UInt8]) {
        if atStart {
            atStart = false
            if value == 0xFEFF { return }
        }
        if let high = highSurrogate {
            highSurrogate = nil
            if (0xDC00...0xDFFF).contains(value) {
                let scalar = 0x10000 + ((UInt32(high) - 0xD800) << 10) + (UInt32(value) - 0xDC00)
                append(scalar, into: &output)
                return
            }
            replace(into: &output)
        }
        switch value {
        case 0xD800...0xDBFF: highSurrogate = value
        case 0xDC00...0xDFFF: replace(into: &output)
        default: append(UInt32(value), into: &output)
        }
    }

    private mutating func replace(into output: inout [UInt8]) {
        errors += 1
        output.append(contentsOf: UTF8Validator.replacement)
    }

    private func append(_ scalar: UInt32, into output: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            output.append(UInt8(scalar))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | scalar >> 6))
            output.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | scalar >> 12))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        default:
            output.append(UInt8(0xF0 | scalar >> 18))
            output.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
