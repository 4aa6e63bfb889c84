/// Joins framed lines into multi-line events (Java stack traces, Python tracebacks), with `\n`
/// between lines.
///
/// Two modes, as in Vector and Fluent Bit:
/// - `startPattern`: a matching line starts a new event; any other line belongs to the
///   current one. Configure with e.g. `^\d{4}-\d{2}-\d{2}` or `^[A-Z]`.
/// - `continuationPattern`: a matching line continues the current event; any other line
///   starts a new one. Configure with e.g. `^\s+at |^Caused by:|^\s` .
///
/// An event is emitted when the next event starts, when adding a line would exceed
/// `maxLines` or `maxBytes` (the event is cut, flagged `.cut`, and the line starts a new one),
/// when no line arrived for `timeout` (`flush(now:)`), or at `finish`. A single line longer
/// than `maxBytes` is emitted alone at its full length (framing already bounded it by
/// `max_line_bytes`). Line flags (truncated, split, unterminated) carry over to the event.
public struct MultilineJoiner: Sendable {
    public enum Mode: Sendable, Hashable {
        case startPattern(LinePattern)
        case continuationPattern(LinePattern)
    }

    public struct Configuration: Sendable, Hashable {
        public var mode: Mode
        public var maxLines: Int
        public var maxBytes: Int
        public var timeout: Duration

        public init(mode: Mode, maxLines: Int = 500, maxBytes: Int = 1024 * 1024, timeout: Duration = .seconds(2)) {
            precondition(maxLines > 0 && maxBytes > 0, "multiline max_lines and max_bytes must be positive")
            self.mode = mode
            self.maxLines = maxLines
            self.maxBytes = maxBytes
            self.timeout = timeout
        }
    }

    /// Counters for one call; add them up for totals.
    public struct Counts: Sendable, Hashable {
        public var events = 0
        public var linesJoined = 0
        public var cutByMaxLines = 0
        public var cutByMaxBytes = 0
        public var flushedByTimeout = 0

        public init() {}

        public static func += (lhs: inout Counts, rhs: Counts) {
            lhs.events += rhs.events
            lhs.linesJoined += rhs.linesJoined
            lhs.cutByMaxLines += rhs.cutByMaxLines
            lhs.cutByMaxBytes += rhs.cutByMaxBytes
            lhs.flushedByTimeout += rhs.flushedByTimeout
        }
    }

    public let configuration: Configuration
    public private(set) var totals = Counts()

    private var event: [UInt8] = []
    private var eventLines = 0
    private var eventFlags: LineBatch.Flags = []
    private var eventSourceEnd = 0
    private var lastLineAt: ContinuousClock.Instant?

    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    /// Lines held in the event being assembled.
    public var pendingLineCount: Int { eventLines }

    /// Feed one line; complete events are appended to `output`.
    @discardableResult
    public mutating func push(
        _ line: UnsafeRawBufferPointer, flags: LineBatch.Flags = [], sourceEnd: Int = 0, now: ContinuousClock.Instant,
        into output: inout LineBatch
    ) -> Counts {
        var counts = Counts()
        let startsEvent: Bool
        switch configuration.mode {
        case .startPattern(let pattern): startsEvent = pattern.matches(line)
        case .continuationPattern(let pattern): startsEvent = !pattern.matches(line)
        }
        if eventLines > 0 {
            if startsEvent {
                emit(into: &output, counts: &counts)
            } else if eventLines >= configuration.maxLines {
                eventFlags.insert(.cut)
                counts.cutByMaxLines += 1
                emit(into: &output, counts: &counts)
            } else if event.count + 1 + line.count > configuration.maxBytes {
                eventFlags.insert(.cut)
                counts.cutByMaxBytes += 1
                emit(into: &output, counts: &counts)
            }
        }
        if eventLines > 0 {
            event.append(0x0A)
            counts.linesJoined += 1
        }
        event.append(contentsOf: line)
        eventLines += 1
        eventFlags.formUnion(flags)
        eventSourceEnd = sourceEnd
        lastLineAt = now
        totals += counts
        return counts
    }

    /// Feed every line of a framed batch.
    @discardableResult
    public mutating func push(_ batch: LineBatch, now: ContinuousClock.Instant, into output: inout LineBatch) -> Counts {
        var counts = Counts()
        batch.storage.withUnsafeBytes { raw in
            for entry in batch.entries {
                counts += push(
                    UnsafeRawBufferPointer(rebasing: raw[entry.start..<entry.end]), flags: entry.flags, sourceEnd: entry.sourceEnd,
                    now: now, into: &output)
            }
        }
        return counts
    }

    /// Emit the pending event if no line arrived for it within `timeout`.
    @discardableResult
    public mutating func flush(now: ContinuousClock.Instant, into output: inout LineBatch) -> Counts {
        guard eventLines > 0, let last = lastLineAt, now - last >= configuration.timeout else { return Counts() }
        var counts = Counts()
        counts.flushedByTimeout += 1
        emit(into: &output, counts: &counts)
        totals += counts
        return counts
    }

    /// Emit the pending event now (end of file, shutdown).
    @discardableResult
    public mutating func finish(into output: inout LineBatch) -> Counts {
        var counts = Counts()
        if eventLines > 0 { emit(into: &output, counts: &counts) }
        totals += counts
        return counts
    }

    private mutating func emit(into output: inout LineBatch, counts: inout Counts) {
        output.append(event, flags: eventFlags, sourceEnd: eventSourceEnd)
        counts.events += 1
        event.removeAll(keepingCapacity: true)
        eventLines = 0
        eventFlags = []
        lastLineAt = nil
    }
}
