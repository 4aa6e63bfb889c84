import Telemetry

/// Which standard stream a container wrote a line to (`log.iostream` in OTel semconv).
public enum LogStream: UInt8, Sendable, Hashable {
    case stdout, stderr

    public var name: String { self == .stdout ? "stdout" : "stderr" }

    init?(_ bytes: UnsafeRawBufferPointer) {
        if DecodingBytes.equalsASCII(bytes, "stdout") {
            self = .stdout
        } else if DecodingBytes.equalsASCII(bytes, "stderr") {
            self = .stderr
        } else {
            return nil
        }
    }
}

/// One line of the CRI (containerd, CRI-O) container log format:
/// `<RFC 3339 time> <stdout|stderr> <P|F> <content>`. The runtime splits long writes into
/// `P` (partial) fragments ended by an `F` (full) one; `CRIReassembler` joins them.
public struct CRILine: Sendable {
    public var time: Timestamp
    public var stream: LogStream
    /// True for a `P` fragment: more of the same line follows on this stream.
    public var isPartial: Bool
    /// Where the content starts in the parsed bytes; it runs to the end.
    public var contentStart: Int

    /// Nil when the bytes are not a CRI line. Tags after `P`/`F` (`F:x`) are tolerated, as
    /// the format reserves `:`-separated tags for the future.
    public init?(_ bytes: UnsafeRawBufferPointer) {
        guard let timeEnd = Self.space(bytes, from: 0),
            let time = LogTimestamp.parseRFC3339(UnsafeRawBufferPointer(rebasing: bytes[0..<timeEnd])),
            let streamEnd = Self.space(bytes, from: timeEnd + 1),
            let stream = LogStream(UnsafeRawBufferPointer(rebasing: bytes[(timeEnd + 1)..<streamEnd])),
            streamEnd + 1 < bytes.count
        else { return nil }
        let tagStart = streamEnd + 1
        let tagEnd = Self.space(bytes, from: tagStart) ?? bytes.count
        let tag = bytes[tagStart]
        guard tag == UInt8(ascii: "P") || tag == UInt8(ascii: "F"),
            tagEnd == tagStart + 1 || bytes[tagStart + 1] == UInt8(ascii: ":")
        else { return nil }
        self.time = time
        self.stream = stream
        self.isPartial = tag == UInt8(ascii: "P")
        self.contentStart = min(tagEnd + 1, bytes.count)
    }

    private static func space(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: " ") { return index }
            index += 1
        }
        return nil
    }
}
