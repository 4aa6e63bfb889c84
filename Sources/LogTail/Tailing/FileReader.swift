#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif
import DequeModule
import Telemetry

/// One file being followed: its descriptor, read position, and the state of its byte stream
/// (framer carry, multi-line event, CRI fragments). The tailer owns it; nothing here is shared.
///
/// Positions: the framer counts the bytes it has seen since the stream began at file offset
/// `streamBase` (0, the stored checkpoint, or the end with `start_at: end`). Every framed line
/// knows the stream position just past its newline, so a batch's checkpoint offset is that of
/// the last line whose record is in it — never past a line still carried, joined or
/// reassembled. For UTF-16 files the framer sees transcoded bytes; the file offset after each
/// transcoded newline is recorded as the chunk is transcoded, so checkpoints stay exact and
/// always at a line start (a chunk end may fall mid-line: resuming there would emit the rest
/// of a line as a record of its own).
final class FileReader {
    enum State: Equatable {
        case active
        /// No longer matched by the globs (renamed away) or deleted: read to the end, then
        /// released `rotateWait` after the last byte arrived.
        case leaving(since: ContinuousClock.Instant)
        /// A copy of another tracked file (copytruncate in progress): not read until the
        /// original is truncated or released, then resumed where the original stopped.
        case shadow(of: UInt64)
    }

    /// The reader's id in the `CheckpointBook`. A new one when the file's content is replaced
    /// (truncation): the old id keeps the old content's unacknowledged batches, for its copy.
    var id: UInt64
    var path: String
    var fingerprint: Fingerprint
    var state: State = .active
    var fd: Int32 = -1
    /// Next file offset to read.
    private(set) var readOffset: UInt64
    /// The file's size at the last scan (or what was read since): more to read when larger.
    var knownSize: UInt64
    /// Nothing more to read until a scan or a watch event says the file changed.
    var atEOF = false
    /// Found empty or short while the tailer runs: whether it is a copy of a file being read
    /// (logrotate's copytruncate creates the copy empty, then fills it) is decided when it
    /// first has data to read (`FileTailer.resolveIdentity`).
    var identityPending = false
    private(set) var generation: UInt32 = 0
    var lastDataAt: ContinuousClock.Instant
    /// The last time this reader was given a turn (evicting the least recent open file).
    var lastTurn: UInt64 = 0

    private let configuration: TailerConfiguration
    private var streamBase: UInt64
    /// The checkpoint offset of the last batch: no record-less byte before it.
    private var reported: UInt64
    private var framer: LineFramer
    private var joiner: MultilineJoiner?
    private var decoder: LogDecoder
    private var utf16: UTF16LEDecoder?
    private var transcoded: [UInt8] = []
    /// UTF-16: (stream position, file offset) of recent line starts (just past a newline, or
    /// after a flushed partial line), oldest first.
    private var boundaries: Deque<(stream: Int, file: UInt64)> = []
    private var lines = LineBatch()
    private var joined = LineBatch()

    init(id: UInt64, path: String, fingerprint: Fingerprint, offset: UInt64, size: UInt64, configuration: TailerConfiguration, now: ContinuousClock.Instant) {
        self.id = id
        self.path = path
        self.fingerprint = fingerprint
        self.readOffset = offset
        self.knownSize = size
        self.configuration = configuration
        self.streamBase = offset
        self.reported = offset
        self.lastDataAt = now
        framer = LineFramer(configuration.framing)
        joiner = configuration.multiline.map(MultilineJoiner.init)
        decoder = LogDecoder(format: configuration.format, filePath: path, fields: configuration.fields, maxLineBytes: configuration.framing.maxLineBytes)
        utf16 = configuration.encoding == .utf16le ? UTF16LEDecoder() : nil
    }

    deinit { closeFile() }

    var isOpen: Bool { fd >= 0 }
    var hasUnread: Bool { !atEOF || knownSize > readOffset }

    /// File offset up to which every byte is framed (excluding a carried partial line).
    var framedOffset: UInt64 {
        fileOffset(forStream: framer.consumedBytes - framer.pendingByteCount)
    }

    func openFile() throws(TailProblemError) {
        guard fd < 0 else { return }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        guard descriptor >= 0 else { throw TailProblemError(path: path, operation: "open", errno: errno) }
        // The file at this path must still be the one tracked: after a rotation between the
        // scan and now, reading another file at our offset would skip or repeat its lines.
        var st = stat()
        if fstat(descriptor, &st) != 0 || UInt64(st.st_dev) != fingerprint.device || UInt64(st.st_ino) != fingerprint.inode {
            close(descriptor)
            throw TailProblemError(path: path, operation: "open (file replaced since the scan)", errno: ESTALE)
        }
        fd = descriptor
    }

    /// The open file's current size (nil when closed or fstat fails).
    func sizeOnDisk() -> UInt64? {
        guard fd >= 0 else { return nil }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        return UInt64(max(st.st_size, 0))
    }

    func closeFile() {
        if fd >= 0 { close(fd) }
        fd = -1
    }

    /// The stream restarts at `offset` (truncation, inode reuse, a shadow taking over): carried
    /// state is dropped, and acknowledgements of the old stream no longer move the checkpoint.
    func restart(at offset: UInt64, fingerprint: Fingerprint) {
        generation &+= 1
        self.fingerprint = fingerprint
        readOffset = offset
        streamBase = offset
        reported = offset
        atEOF = false
        framer = LineFramer(configuration.framing)
        joiner = configuration.multiline.map(MultilineJoiner.init)
        decoder = LogDecoder(format: configuration.format, filePath: path, fields: configuration.fields, maxLineBytes: configuration.framing.maxLineBytes)
        utf16 = configuration.encoding == .utf16le ? UTF16LEDecoder() : nil
        boundaries.removeAll()
    }

    /// Renamed: records carry the new path from now on.
    func rename(to newPath: String) {
        path = newPath
        decoder.rename(filePath: newPath)
    }

    enum ReadResult {
        case data(records: [LogRecord], checkpoint: UInt64, bytes: Int)
        case endOfFile
    }

    /// Reads one chunk at `readOffset` into `buffer` and decodes the lines it completes.
    func read(
        into buffer: UnsafeMutableRawBufferPointer, now: ContinuousClock.Instant, observed: Timestamp, stats: inout TailStats
    ) throws(TailProblemError) -> ReadResult {
        var n: Int
        repeat {
            n = pread(fd, buffer.baseAddress!, buffer.count, off_t(readOffset))
        } while n < 0 && errno == EINTR
        if n < 0 { throw TailProblemError(path: path, operation: "read", errno: errno) }
        if n == 0 {
            atEOF = true
            knownSize = readOffset
            return .endOfFile
        }
        readOffset += UInt64(n)
        knownSize = max(knownSize, readOffset)
        lastDataAt = now
        stats.bytesRead += n
        lines.removeAll()
        let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
        let counts: FramingCounts
        if var transcoder = utf16 {
            transcoded.removeAll(keepingCapacity: true)
            let carriedIn = transcoder.pendingInputBytes
            stats.invalidUTF8 += transcoder.decode(chunk, into: &transcoded)
            utf16 = transcoder
            recordLineStarts(
                streamStart: framer.consumedBytes, fileStart: readOffset - UInt64(n + carriedIn),
                inputBytes: UInt64(n + carriedIn - transcoder.pendingInputBytes))
            counts = framer.frame(transcoded, into: &lines, now: now)
        } else {
            counts = framer.frame(chunk, into: &lines, now: now)
        }
        record(counts, &stats)
        let (records, checkpoint) = decodeLines(now: now, observed: observed, stats: &stats)
        return .data(records: records, checkpoint: checkpoint, bytes: n)
    }

    /// Partial lines and multi-line events whose timeout passed; nil when nothing came out.
    func flushTimeouts(now: ContinuousClock.Instant, observed: Timestamp, stats: inout TailStats) -> (records: [LogRecord], checkpoint: UInt64)? {
        lines.removeAll()
        let counts = framer.flush(now: now, into: &lines)
        record(counts, &stats)
        if let transcoder = utf16, !lines.isEmpty {
            // The flushed partial line ends where the transcoded input ends: a line start too.
            boundaries.append((framer.consumedBytes, readOffset - UInt64(transcoder.pendingInputBytes)))
        }
        let joinerWaiting = joiner.map { $0.pendingLineCount > 0 } ?? false
        guard !lines.isEmpty || joinerWaiting else { return nil }
        let result = decodeLines(now: now, observed: observed, stats: &stats, flushJoiner: true)
        if result.records.isEmpty && lines.isEmpty { return nil }
        return result
    }

    /// Everything still carried, as the file is released: its checkpoint is the end of what was read.
    func finish(observed: Timestamp, stats: inout TailStats) -> (records: [LogRecord], checkpoint: UInt64) {
        lines.removeAll()
        if var transcoder = utf16 {
            transcoded.removeAll(keepingCapacity: true)
            stats.invalidUTF8 += transcoder.finish(into: &transcoded)
            utf16 = transcoder
            record(framer.frame(transcoded, into: &lines, now: .now), &stats)
        }
        record(framer.finish(into: &lines), &stats)
        var (records, _) = decodeLines(now: .now, observed: observed, stats: &stats, finishJoiner: true)
        for line in decoder.flush(observedAt: observed) {
            records.append(line.record)
            stats.records += 1
        }
        return (records, readOffset)
    }

    // MARK: - Lines to records

    private func record(_ counts: FramingCounts, _ stats: inout TailStats) {
        stats.lines += counts.lines
        stats.truncatedLines += counts.truncatedLines
        stats.splitLines += counts.splitLines
        stats.unterminatedLines += counts.unterminatedLines
    }

    private func decodeLines(
        now: ContinuousClock.Instant, observed: Timestamp, stats: inout TailStats, flushJoiner: Bool = false, finishJoiner: Bool = false
    ) -> (records: [LogRecord], checkpoint: UInt64) {
        // Transcoded UTF-16 is valid UTF-8 by construction.
        if utf16 == nil { stats.invalidUTF8 += lines.repairUTF8() }
        var events = lines
        if var current = joiner {
            joined.removeAll()
            let counts = current.push(lines, now: now, into: &joined)
            var more = MultilineJoiner.Counts()
            if finishJoiner { more = current.finish(into: &joined) } else if flushJoiner { more = current.flush(now: now, into: &joined) }
            stats.multilineCut += counts.cutByMaxLines + counts.cutByMaxBytes + more.cutByMaxLines + more.cutByMaxBytes
            joiner = current
            events = joined
        }
        var records: [LogRecord] = []
        records.reserveCapacity(events.count)
        // Stream position every record so far covers: advanced only where nothing is held
        // back (no CRI fragment waiting), so the checkpoint never passes an unsent byte.
        var safeEnd: Int? = nil
        let malformedBefore = decoder.stats.malformed
        let reassembles = configuration.format == .cri || configuration.format == .docker
        events.storage.withUnsafeBytes { raw in
            for entry in events.entries {
                let line = UnsafeRawBufferPointer(rebasing: raw[entry.start..<entry.end])
                if line.isEmpty || Self.isBlank(line) {
                    stats.blankLines += 1
                } else {
                    decoder.decode(line, observedAt: observed, appendingTo: &records)
                }
                if !reassembles || !decoder.hasPendingFragments { safeEnd = entry.sourceEnd }
            }
        }
        stats.malformed += decoder.stats.malformed - malformedBefore
        stats.records += records.count
        // Joiner still assembling: positions of its lines are not covered yet (safeEnd is
        // the last emitted event's). Nothing emitted at all: the checkpoint stays.
        if let safeEnd {
            reported = max(reported, fileOffset(forStream: safeEnd))
            while boundaries.count > 1, boundaries[1].stream <= safeEnd { boundaries.removeFirst() }
        }
        return (records, reported)
    }

    /// UTF-16: records the file offset just past every newline of the chunk in `transcoded`.
    /// Each UTF-8 sequence of the output comes from one UTF-16 unit (2 bytes) or a surrogate
    /// pair (4 bytes), U+FFFD for a lone surrogate included; the only input without output is
    /// a byte-order mark, at the very start, so input not accounted for precedes the output.
    /// `fileStart`: offset of the first input byte (carried-over bytes included).
    private func recordLineStarts(streamStart: Int, fileStart: UInt64, inputBytes: UInt64) {
        let first = boundaries.count
        var walked: UInt64 = 0
        for (index, byte) in transcoded.enumerated() {
            if byte & 0xC0 != 0x80 { walked += byte >= 0xF0 ? 4 : 2 }
            if byte == 0x0A { boundaries.append((streamStart + index + 1, walked)) }
        }
        let base = fileStart + (inputBytes > walked ? inputBytes - walked : 0)
        for index in first..<boundaries.count { boundaries[index].file += base }
    }

    private func fileOffset(forStream position: Int) -> UInt64 {
        guard utf16 != nil else { return streamBase + UInt64(position) }
        var best = reported
        for boundary in boundaries {
            guard boundary.stream <= position else { break }
            best = boundary.file
        }
        return best
    }

    private static func isBlank(_ line: UnsafeRawBufferPointer) -> Bool {
        for byte in line where byte != 0x20 && byte != 0x09 && byte != 0x0D { return false }
        return true
    }
}

/// A file operation that failed, with the path and errno.
struct TailProblemError: Error {
    let path: String
    let operation: String
    let errno: Int32

    var problem: TailProblem { TailProblem(path: path, operation: operation, errno: errno) }
}
