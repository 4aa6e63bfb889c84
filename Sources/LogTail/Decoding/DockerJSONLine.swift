import Telemetry

/// One line of Docker's json-file log driver: `{"log":"…\n","stream":"stdout","time":"…"}`.
/// Docker splits writes longer than 16 KiB into several entries; only the last one's `log`
/// ends with a newline, so an entry without it is partial, like a CRI `P` line.
public struct DockerJSONLine: Sendable {
    public var time: Timestamp?
    public var stream: LogStream?
    public var isPartial: Bool

    /// Parses `bytes`, appending the unescaped `log` text (without its final newline) to
    /// `content`. Nil when the line is not a JSON object with a string `log`.
    public init?(_ bytes: UnsafeRawBufferPointer, content: inout [UInt8]) {
        var log: JSONToken?
        var time: Timestamp?
        var stream: LogStream?
        let valid = JSONObjectScanner.scan(bytes) { key, value in
            guard !key.hasEscapes, value.kind == .string else { return }
            let name = DecodingBytes.slice(bytes, key)
            if DecodingBytes.equalsASCII(name, "log") {
                log = value
            } else if DecodingBytes.equalsASCII(name, "stream") {
                stream = LogStream(DecodingBytes.slice(bytes, value))
            } else if DecodingBytes.equalsASCII(name, "time"), !value.hasEscapes {
                time = LogTimestamp.parseRFC3339(DecodingBytes.slice(bytes, value))
            }
        }
        guard valid, let log else { return nil }
        let start = content.count
        guard JSONObjectScanner.unescape(bytes, log, into: &content) else {
            content.removeSubrange(start...)
            return nil
        }
        if content.count > start, content.last == 0x0A {
            content.removeLast()
            if content.count > start, content.last == 0x0D { content.removeLast() }
            isPartial = false
        } else {
            isPartial = true
        }
        self.time = time
        self.stream = stream
    }
}
