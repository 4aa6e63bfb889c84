/// A batch of lines (or joined events) held in one contiguous byte buffer.
///
/// Framing copies each chunk's complete lines into `storage` once and records where every
/// line starts and ends, so a 256 KiB read becomes one allocation-free append plus a list of
/// ranges instead of thousands of small arrays. Readers index lines as `ArraySlice`s of
/// `storage` (no copy) or borrow them as raw buffers for parsers.
public struct LineBatch: Sendable {
    /// How a line came to be emitted, beyond the ordinary "its newline arrived".
    public struct Flags: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// Longer than `max_line_bytes`; the rest of the line was discarded.
        public static let truncated = Flags(rawValue: 1 << 0)
        /// One piece of a line longer than `max_line_bytes`; more pieces follow it unless
        /// `.lastPiece` is set too.
        public static let splitPiece = Flags(rawValue: 1 << 1)
        /// The final piece of a split line.
        public static let lastPiece = Flags(rawValue: 1 << 2)
        /// Emitted by a timeout or `finish()` without its newline.
        public static let unterminated = Flags(rawValue: 1 << 3)
        /// A multiline event cut by `max_lines` or `max_bytes` rather than by the next event.
        public static let cut = Flags(rawValue: 1 << 4)
    }

    /// One line: where it lives in `storage` and how it was emitted.
    public struct Entry: Sendable, Hashable {
        public var start: Int
        public var end: Int
        public var flags: Flags
        /// Input bytes the framer had consumed when this line was complete: its terminator
        /// included, counted from the framer's first byte. The reader turns it into a file
        /// offset for checkpoints; for a joined event it is its last line's.
        public var sourceEnd: Int
        public var count: Int { end - start }

        public init(start: Int, end: Int, flags: Flags, sourceEnd: Int = 0) {
            self.start = start
            self.end = end
            self.flags = flags
            self.sourceEnd = sourceEnd
        }
    }

    public private(set) var storage: [UInt8] = []
    public private(set) var entries: [Entry] = []

    public init(reservingBytes bytes: Int = 0, lines: Int = 0) {
        storage.reserveCapacity(bytes)
        entries.reserveCapacity(lines)
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// The bytes of line `index`, without its `\n` or `\r\n`.
    public subscript(index: Int) -> ArraySlice<UInt8> {
        let entry = entries[index]
        return storage[entry.start..<entry.end]
    }

    public func flags(at index: Int) -> Flags { entries[index].flags }

    public func sourceEnd(at index: Int) -> Int { entries[index].sourceEnd }

    /// Borrow line `index` as raw bytes, for parsers that work on buffers.
    public func withLine<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let entry = entries[index]
        return try storage.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[entry.start..<entry.end])) }
    }

    /// Empty the batch for reuse; the capacity stays, so steady-state framing allocates nothing.
    public mutating func removeAll() {
        storage.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
    }

    /// Append a line made of one byte run.
    public mutating func append(_ bytes: UnsafeRawBufferPointer, flags: Flags = [], sourceEnd: Int = 0) {
        let start = storage.count
        storage.append(contentsOf: bytes)
        entries.append(Entry(start: start, end: storage.count, flags: flags, sourceEnd: sourceEnd))
    }

    public mutating func append(_ bytes: some Collection<UInt8>, flags: Flags = [], sourceEnd: Int = 0) {
        let start = storage.count
        storage.append(contentsOf: bytes)
        entries.append(Entry(start: start, end: storage.count, flags: flags, sourceEnd: sourceEnd))
    }

    // Bulk path for the framer: copy a run of bytes once, then describe lines inside it.
    mutating func appendStorage(_ bytes: UnsafeRawBufferPointer) -> Int {
        let base = storage.count
        storage.append(contentsOf: bytes)
        return base
    }

    mutating func appendEntry(start: Int, end: Int, flags: Flags, sourceEnd: Int) {
        entries.append(Entry(start: start, end: end, flags: flags, sourceEnd: sourceEnd))
    }

    /// Replace every invalid UTF-8 sequence in every line with U+FFFD and return how many
    /// were replaced. Costs one validation pass over `storage` when all of it is valid (the
    /// common case); only then does it rebuild line by line.
    @discardableResult
    public mutating func repairUTF8() -> Int {
        let valid = storage.withUnsafeBytes { UTF8Validator.isValid($0) }
        if valid { return 0 }
        var repaired = LineBatch(reservingBytes: storage.count + 64, lines: entries.count)
        var replacements = 0
        storage.withUnsafeBytes { raw in
            for entry in entries {
                let start = repaired.storage.count
                replacements += UTF8Validator.repair(UnsafeRawBufferPointer(rebasing: raw[entry.start..<entry.end]), into: &repaired.storage)
                repaired.entries.append(Entry(start: start, end: repaired.storage.count, flags: entry.flags, sourceEnd: entry.sourceEnd))
            }
        }
        self = repaired
        return replacements
    }
}

extension LineBatch: RandomAccessCollection {
    public var startIndex: Int { 0 }
    public var endIndex: Int { entries.count }
}
