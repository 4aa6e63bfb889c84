#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What to do with a line longer than `max_line_bytes`.
public enum OverlongLinePolicy: String, Sendable, Hashable, CaseIterable {
    /// Emit the first `max_line_bytes` bytes, flagged `.truncated`; discard the rest.
    case truncate
    /// Emit the line as pieces of at most `max_line_bytes` bytes, flagged `.splitPiece`.
    case split
}

/// Counters for one `frame` / `flush` / `finish` call; add them up for totals.
public struct FramingCounts: Sendable, Hashable {
    /// Entries emitted (a split line counts once per piece).
    public var lines = 0
    /// Lines cut to `max_line_bytes`.
    public var truncatedLines = 0
    /// Lines emitted in pieces (each counts once, however many pieces).
    public var splitLines = 0
    /// Input bytes consumed.
    public var bytes = 0
    /// Bytes of truncated lines that were dropped.
    public var discardedBytes = 0
    /// Partial lines emitted by a timeout or `finish()` without their newline.
    public var unterminatedLines = 0

    public init() {}

    public static func += (lhs: inout FramingCounts, rhs: FramingCounts) {
        lhs.lines += rhs.lines
        lhs.truncatedLines += rhs.truncatedLines
        lhs.splitLines += rhs.splitLines
        lhs.bytes += rhs.bytes
        lhs.discardedBytes += rhs.discardedBytes
        lhs.unterminatedLines += rhs.unterminatedLines
    }
}

/// Splits a stream of byte chunks into lines on `\n`, dropping the `\n` and one `\r` before it.
///
/// The caller owns I/O and time: it feeds chunks as they are read (`frame`), asks for a
/// partial last line after a quiet period (`flush(now:)`), and drains at end of file or
/// shutdown (`finish`). Complete lines of a chunk are copied into the output `LineBatch` with
/// one bulk copy; only a line that straddles chunks is carried, and the carry never holds
/// more than `maxLineBytes + 1` bytes, so an endless line costs bounded memory.
///
/// A partial line emitted by `flush` is final: bytes that arrive for it later start a new
/// line (as in Vector and Fluent Bit) — a writer that pauses mid-line for longer than the
/// timeout is indistinguishable from one that forgot its newline.
public struct LineFramer: Sendable {
    public struct Configuration: Sendable, Hashable {
        /// `max_line_bytes`: the longest line emitted whole (without its terminator).
        public var maxLineBytes: Int
        public var overlongPolicy: OverlongLinePolicy
        /// How long a partial last line waits for its newline after its last byte arrived.
        public var partialLineTimeout: Duration

        public init(maxLineBytes: Int = 256 * 1024, overlongPolicy: OverlongLinePolicy = .truncate, partialLineTimeout: Duration = .seconds(1)) {
            precondition(maxLineBytes > 0, "max_line_bytes must be positive")
            self.maxLineBytes = maxLineBytes
            self.overlongPolicy = overlongPolicy
            self.partialLineTimeout = partialLineTimeout
        }
    }

    public let configuration: Configuration
    /// Everything counted since creation.
    public private(set) var totals = FramingCounts()

    // The partial line carried across chunks (never more than maxLineBytes + 1 bytes: one
    // spare for a `\r` whose `\n` has not arrived yet).
    private var pending: [UInt8] = []
    private var pendingSince: ContinuousClock.Instant?
    // Truncate policy: the head of the current line was emitted; drop bytes until `\n`.
    private var discarding = false
    // Whether the last discarded byte was `\r`: it belongs to the terminator, not the count.
    private var discardedCR = false
    // Split policy: pieces of the current line were emitted; the next emission continues it.
    private var splitting = false

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Bytes of an incomplete last line waiting for their newline.
    public var pendingByteCount: Int { pending.count }

    /// Input bytes consumed so far (the stream position the next chunk starts at).
    public var consumedBytes: Int { totals.bytes }

    /// Frame one chunk: append every line it completes to `batch`.
    @discardableResult
    public mutating func frame(_ chunk: UnsafeRawBufferPointer, into batch: inout LineBatch, now: ContinuousClock.Instant) -> FramingCounts {
        var counts = FramingCounts()
        counts.bytes = chunk.count
        guard let base = chunk.baseAddress, chunk.count > 0 else { return counts }
        let end = chunk.count
        // Stream position of chunk[0]: a line ending at chunk index i has sourceEnd origin + i + 1.
        let origin = totals.bytes
        var position = 0

        if discarding || !pending.isEmpty {
            guard let newline = Self.find(base, from: 0, to: end) else {
                if discarding {
                    counts.discardedBytes += end
                    discardedCR = chunk[end - 1] == 0x0D
                } else {
                    carry(UnsafeRawBufferPointer(rebasing: chunk[0..<end]), at: origin, into: &batch, counts: &counts)
                    pendingSince = now
                }
                return record(counts)
            }
            if discarding {
                let endsWithCR = newline > 0 ? chunk[newline - 1] == 0x0D : discardedCR
                counts.discardedBytes += newline - (endsWithCR ? 1 : 0)
                discarding = false
            } else {
                // Join carry and head in the batch's storage so the line is one run of bytes.
                let start = pending.withUnsafeBytes { batch.appendStorage($0) }
                _ = batch.appendStorage(UnsafeRawBufferPointer(rebasing: chunk[0..<newline]))
                var lineEnd = batch.storage.count
                if lineEnd > start, batch.storage[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                emit(start: start, end: lineEnd, extraFlags: [], sourceEnd: origin + newline + 1, into: &batch, counts: &counts)
                pending.removeAll(keepingCapacity: true)
                pendingSince = nil
            }
            position = newline + 1
        }

        // Fast path: every complete line left in the chunk, copied with one append.
        if position < end, let last = Self.findLast(base, from: position, to: end) {
            let storageBase = batch.appendStorage(UnsafeRawBufferPointer(rebasing: chunk[position...last])) - position
            var lineStart = position
            while lineStart <= last {
                let newline = Self.find(base, from: lineStart, to: last + 1)!
                var lineEnd = newline
                if lineEnd > lineStart, base.load(fromByteOffset: lineEnd - 1, as: UInt8.self) == 0x0D { lineEnd -= 1 }
                if lineEnd - lineStart <= configuration.maxLineBytes && !splitting {
                    batch.appendEntry(start: storageBase + lineStart, end: storageBase + lineEnd, flags: [], sourceEnd: origin + newline + 1)
                    counts.lines += 1
                } else {
                    emit(
                        start: storageBase + lineStart, end: storageBase + lineEnd, extraFlags: [], sourceEnd: origin + newline + 1,
                        into: &batch, counts: &counts)
                }
                lineStart = newline + 1
            }
            position = last + 1
        }

        if position < end {
            carry(UnsafeRawBufferPointer(rebasing: chunk[position..<end]), at: origin + position, into: &batch, counts: &counts)
            pendingSince = now
        }
        return record(counts)
    }

    /// Frame a chunk held in an array.
    @discardableResult
    public mutating func frame(_ chunk: [UInt8], into batch: inout LineBatch, now: ContinuousClock.Instant) -> FramingCounts {
        chunk.withUnsafeBytes { frame($0, into: &batch, now: now) }
    }

    /// Emit the partial last line if no byte arrived for it within `partialLineTimeout`.
    @discardableResult
    public mutating func flush(now: ContinuousClock.Instant, into batch: inout LineBatch) -> FramingCounts {
        guard let since = pendingSince, !pending.isEmpty, now - since >= configuration.partialLineTimeout else {
            return FramingCounts()
        }
        return finish(into: &batch)
    }

    /// Emit the partial last line now (end of a rotated-away file, shutdown).
    @discardableResult
    public mutating func finish(into batch: inout LineBatch) -> FramingCounts {
        var counts = FramingCounts()
        if !pending.isEmpty {
            let start = pending.withUnsafeBytes { batch.appendStorage($0) }
            var lineEnd = batch.storage.count
            if batch.storage[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            emit(start: start, end: lineEnd, extraFlags: .unterminated, sourceEnd: totals.bytes, into: &batch, counts: &counts)
            counts.unterminatedLines += 1
            pending.removeAll(keepingCapacity: true)
        }
        pendingSince = nil
        discarding = false
        splitting = false
        return record(counts)
    }

    private mutating func record(_ counts: FramingCounts) -> FramingCounts {
        totals += counts
        return counts
    }

    // A complete line whose bytes already sit in `batch.storage[start..<end]`.
    private mutating func emit(
        start: Int, end: Int, extraFlags: LineBatch.Flags, sourceEnd: Int, into batch: inout LineBatch, counts: inout FramingCounts
    ) {
        let limit = configuration.maxLineBytes
        let length = end - start
        if length <= limit {
            let flags: LineBatch.Flags = splitting ? [.splitPiece, .lastPiece] : []
            batch.appendEntry(start: start, end: end, flags: flags.union(extraFlags), sourceEnd: sourceEnd)
            counts.lines += 1
            splitting = false
            return
        }
        switch configuration.overlongPolicy {
        case .truncate:
            let cut = Self.characterBoundary(batch.storage, start: start, cut: start + limit)
            batch.appendEntry(start: start, end: cut, flags: LineBatch.Flags.truncated.union(extraFlags), sourceEnd: sourceEnd)
            counts.lines += 1
            counts.truncatedLines += 1
            counts.discardedBytes += end - cut
        case .split:
            if !splitting { counts.splitLines += 1 }
            var pieceStart = start
            while pieceStart < end {
                let pieceEnd = pieceStart + limit >= end ? end : Self.characterBoundary(batch.storage, start: pieceStart, cut: pieceStart + limit)
                let flags: LineBatch.Flags = pieceEnd == end ? [.splitPiece, .lastPiece] : .splitPiece
                batch.appendEntry(start: pieceStart, end: pieceEnd, flags: flags.union(extraFlags), sourceEnd: sourceEnd)
                counts.lines += 1
                pieceStart = pieceEnd
            }
            splitting = false
        }
    }

    // Bytes with no newline: keep them, emitting (split) or cutting (truncate) as soon as the
    // line is certainly longer than the limit, so the carry stays within limit + 1 bytes.
    // `position`: the stream position of bytes[0]. A piece emitted here ends mid-line; its
    // sourceEnd is the stream position of its last byte + 1, so a restart resumes after it.
    private mutating func carry(
        _ bytes: UnsafeRawBufferPointer, at position: Int, into batch: inout LineBatch, counts: inout FramingCounts
    ) {
        let limit = configuration.maxLineBytes
        var rest = bytes
        // Stream position just past pending's last byte.
        var pendingEnd = position
        while !rest.isEmpty {
            let room = limit + 1 - pending.count
            if rest.count <= room {
                pending.append(contentsOf: rest)
                return
            }
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: rest[rest.startIndex..<rest.startIndex + room]))
            rest = UnsafeRawBufferPointer(rebasing: rest[(rest.startIndex + room)...])
            pendingEnd += room
            // limit + 1 bytes held and more coming: the line is overlong whatever follows.
            switch configuration.overlongPolicy {
            case .truncate:
                let cut = Self.characterBoundary(pending, start: 0, cut: limit)
                // Past the whole chunk: the rest of this line is discarded, never re-read.
                batch.append(pending[0..<cut], flags: .truncated, sourceEnd: pendingEnd + rest.count)
                counts.lines += 1
                counts.truncatedLines += 1
                counts.discardedBytes += pending.count - cut + rest.count
                discardedCR = (rest.last ?? pending[limit]) == 0x0D
                pending.removeAll(keepingCapacity: true)
                discarding = true
                return
            case .split:
                let cut = Self.characterBoundary(pending, start: 0, cut: limit)
                batch.append(pending[0..<cut], flags: .splitPiece, sourceEnd: pendingEnd - (pending.count - cut))
                counts.lines += 1
                if !splitting { counts.splitLines += 1 }
                splitting = true
                pending.removeSubrange(0..<cut)  // at most 4 bytes stay
            }
        }
    }

    /// Move a cut at `cut` (< bytes.count) back to the start of the UTF-8 sequence it would split,
    /// so truncated lines and split pieces stay valid UTF-8. Bytes that are not UTF-8 (no lead
    /// byte within 3 bytes back) are cut where asked; a piece is never left empty.
    static func characterBoundary(_ bytes: [UInt8], start: Int, cut: Int) -> Int {
        var index = cut
        while index > start, cut - index < 3, bytes[index] & 0xC0 == 0x80 {
            index -= 1
        }
        if index == start || bytes[index] < 0xC0 { return cut }
        return index
    }

    @inline(__always)
    private static func find(_ base: UnsafeRawPointer, from start: Int, to end: Int) -> Int? {
        guard start < end, let hit = memchr(base + start, 0x0A, end - start) else { return nil }
        return UnsafeRawPointer(hit) - base
    }

    @inline(__always)
    private static func findLast(_ base: UnsafeRawPointer, from start: Int, to end: Int) -> Int? {
        // The last newline is usually a line's length from the end, so a backward byte scan
        // (memrchr is a GNU extension Swift does not import) costs little.
        var index = end - 1
        while index >= start {
            if base.load(fromByteOffset: index, as: UInt8.self) == 0x0A { return index }
            index -= 1
        }
        return nil
    }
}
