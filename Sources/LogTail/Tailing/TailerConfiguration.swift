/// How a file's bytes are encoded.
public enum TextEncoding: String, Sendable, Hashable, CaseIterable {
    case utf8 = "utf-8"
    case utf16le = "utf-16le"
}

/// Where a file seen for the first time (no checkpoint) starts being read. Applies to the
/// files found by the first scan only: a file created while the tailer runs is new data and
/// is read from its beginning (as Vector and Fluent Bit do).
public enum StartPosition: String, Sendable, Hashable, CaseIterable {
    case beginning, end
}

/// Everything a `FileTailer` needs besides its clocks and checkpoints.
public struct TailerConfiguration: Sendable {
    public var scanner: PathScanner
    public var format: LogFormat
    public var encoding: TextEncoding
    public var startAt: StartPosition
    public var framing: LineFramer.Configuration
    public var multiline: MultilineJoiner.Configuration?
    public var fields: JSONLogFields
    public var fingerprinter: Fingerprinter
    /// Files held open at once; more are read in turns (a caught-up file is closed to let a
    /// waiting one in).
    public var maxOpenFiles: Int
    /// Bytes read from one file per turn: the unit of fairness between busy files.
    public var readChunkBytes: Int
    /// How long a file that was rotated away (renamed out of the globs) or deleted is kept
    /// open after its last byte was read, for a writer that has not reopened yet.
    public var rotateWait: Duration

    public init(
        scanner: PathScanner, format: LogFormat = .text, encoding: TextEncoding = .utf8, startAt: StartPosition = .beginning,
        framing: LineFramer.Configuration = LineFramer.Configuration(), multiline: MultilineJoiner.Configuration? = nil,
        fields: JSONLogFields = JSONLogFields(), fingerprinter: Fingerprinter = Fingerprinter(), maxOpenFiles: Int = 256,
        readChunkBytes: Int = 256 * 1024, rotateWait: Duration = .seconds(5)
    ) {
        precondition(maxOpenFiles > 0 && readChunkBytes > 0, "maxOpenFiles and readChunkBytes must be positive")
        self.scanner = scanner
        self.format = format
        self.encoding = encoding
        self.startAt = startAt
        self.framing = framing
        self.multiline = multiline
        self.fields = fields
        self.fingerprinter = fingerprinter
        self.maxOpenFiles = maxOpenFiles
        self.readChunkBytes = readChunkBytes
        self.rotateWait = rotateWait
    }
}
