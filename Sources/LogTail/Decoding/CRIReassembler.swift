/// Joins partial fragments (CRI `P` lines, Docker entries without a final newline) into
/// whole lines, separately per stream, as the runtime interleaves stdout and stderr.
/// A line that grows past `maxLineBytes` is truncated there (the rest of its fragments
/// are dropped until the full one arrives) and reported as truncated, so memory stays
/// bounded whatever the container writes.
public struct CRIReassembler: Sendable {
    /// What a fragment completed.
    public enum Output: Sendable, Equatable {
        /// A partial fragment, kept until its line is complete.
        case pending
        /// A whole line that needed no joining: the fragment's content itself, cut to its
        /// first `length` bytes (shorter than the content only when truncated).
        case whole(length: Int, truncated: Bool)
        /// A line joined from fragments.
        case joined([UInt8], truncated: Bool)
    }

    public let maxLineBytes: Int
    private var pending: [[UInt8]] = [[], []]
    private var truncated: [Bool] = [false, false]
    // A partial fragment arrived and its line is not complete (even if all were empty).
    private var open: [Bool] = [false, false]

    public init(maxLineBytes: Int = 256 * 1024) {
        self.maxLineBytes = max(1, maxLineBytes)
    }

    /// Bytes held for unfinished lines.
    public var pendingBytes: Int { pending[0].count + pending[1].count }

    /// A line of either stream is waiting for its final fragment.
    public var hasPendingLine: Bool { open[0] || open[1] }

    public mutating func feed(stream: LogStream, isPartial: Bool, content: UnsafeRawBufferPointer) -> Output {
        let slot = Int(stream.rawValue)
        if !isPartial && pending[slot].isEmpty && !truncated[slot] {
            open[slot] = false
            return .whole(length: min(content.count, maxLineBytes), truncated: content.count > maxLineBytes)
        }
        let room = maxLineBytes - pending[slot].count
        if content.count > room { truncated[slot] = true }
        pending[slot].append(contentsOf: UnsafeRawBufferPointer(rebasing: content[0..<min(room, content.count)]))
        open[slot] = isPartial
        if isPartial { return .pending }
        let line = pending[slot]
        pending[slot] = []
        defer { truncated[slot] = false }
        return .joined(line, truncated: truncated[slot])
    }

    /// Takes what is pending (at end of file or shutdown), so a runtime that died mid-line
    /// loses nothing; callers report these lines as truncated.
    public mutating func flush() -> [(stream: LogStream, content: [UInt8])] {
        var lines: [(stream: LogStream, content: [UInt8])] = []
        for stream in [LogStream.stdout, .stderr] where !pending[Int(stream.rawValue)].isEmpty {
            let slot = Int(stream.rawValue)
            lines.append((stream, pending[slot]))
            pending[slot] = []
            truncated[slot] = false
        }
        open = [false, false]
        return lines
    }
}
