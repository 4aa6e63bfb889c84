import Telemetry

/// Records read from one file in one turn, and the ticket that moves its checkpoint once the
/// pipeline has acknowledged them. A batch may have no records (only blank lines, or lines
/// still waiting to be joined): acknowledge it all the same so the checkpoint moves.
public struct TailBatch: Sendable {
    public var path: String
    public var records: [LogRecord]
    public var ticket: ReadTicket
    /// File bytes this batch consumed (before decoding), for throughput figures.
    public var bytesRead: Int
}

/// Counters of one tailer, cumulative; the source turns them into metrics.
public struct TailStats: Sendable, Hashable {
    public var bytesRead = 0
    public var lines = 0
    public var records = 0
    public var blankLines = 0
    public var truncatedLines = 0
    public var splitLines = 0
    public var unterminatedLines = 0
    public var invalidUTF8 = 0
    public var malformed = 0
    public var multilineCut = 0
    public var filesOpened = 0
    public var filesReleased = 0
    public var rotations = 0
    public var truncations = 0
    /// Bytes of files that disappeared before they could be read (closed for the open-file
    /// cap, then deleted): the one loss a tailer cannot prevent, counted rather than hidden.
    public var unreadBytesLost = 0
    public var readErrors = 0

    public init() {}
}

/// A file the tailer cannot read right now, shown on /status until it clears.
public struct TailProblem: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var errno: Int32

    public var description: String { "\(path): \(operation): \(String(cString: strerror(errno))) (errno \(errno))" }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif
