#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif
import Telemetry

/// Follows the files a `file_logs` source matches: finds them (`rescan`), tells rotations,
/// truncations and copies apart by fingerprint (`FileIdentity`), and reads them in turns
/// (`nextBatch`), one chunk per file per turn so a busy file cannot starve the others.
///
/// Synchronous and single-owner: the source's task drives it (scan on an interval or a watch
/// event, read until nothing is left, then `housekeeping` for timeouts and releases, then
/// wait). Acknowledgements arrive on other tasks and go to the `CheckpointBook` directly.
///
/// Rotation schemes, as `FileIdentity` reports them:
/// - rename + create: the renamed file keeps its reader (read to its end, then released
///   `rotateWait` after its last byte if it left the globs); the new file is read from 0.
/// - copytruncate: the copy is recognised by its first bytes and not read while the original
///   lives (a *shadow*); when the original is truncated, the copy resumes at the original's
///   read position (lines written between the last read and the truncation are in the copy
///   only) and the original restarts at 0.
/// - delete + recreate, inode reuse: the new content is read from 0; a deleted file still
///   open is read to its end first.
public final class FileTailer {
    public let configuration: TailerConfiguration
    public let book: CheckpointBook
    public private(set) var stats = TailStats()
    /// Files (and directories) that cannot be read right now, by path.
    public var problems: [String: TailProblem] { scanProblems.merging(readProblems) { scan, _ in scan } }
    /// Found by scans (cleared by the next scan that does not see them again).
    private var scanProblems: [String: TailProblem] = [:]
    /// Found opening or reading (cleared when that file reads again or is let go).
    private var readProblems: [String: TailProblem] = [:]
    private var unreportedProblems: [TailProblem] = []

    private var readers: [FileReader] = []
    private var cursor = 0
    private var nextID: UInt64 = 1
    private var turn: UInt64 = 0
    private var scans = 0
    private var openCount = 0
    /// Content that was truncated or overwritten in place lately, and how far it had been
    /// framed: a copy of it (copytruncate's rotated file) resumes there. Kept two scans.
    private var retired: [(fingerprint: Fingerprint, offset: UInt64, scan: Int, window: UInt64)] = []
    /// Last records of content replaced in place, sent before anything else is read.
    private var queued: [TailBatch] = []
    /// Readers whose file was deleted and whose inode now belongs to another file (see
    /// `supersede`): out of `readers`, their last lines go out with the next housekeeping.
    private var superseded: [FileReader] = []
    private let buffer: UnsafeMutableRawBufferPointer
    private let monotonic: () -> ContinuousClock.Instant
    private let wall: () -> Timestamp

    public init(
        configuration: TailerConfiguration, book: CheckpointBook,
        monotonic: @escaping () -> ContinuousClock.Instant = { .now }, wall: @escaping () -> Timestamp = WallClock.system.now
    ) {
        self.configuration = configuration
        self.book = book
        self.monotonic = monotonic
        self.wall = wall
        buffer = .allocate(byteCount: configuration.readChunkBytes, alignment: 16)
    }

    deinit {
        for reader in readers { reader.closeFile() }
        buffer.deallocate()
    }

    public var trackedFileCount: Int { readers.count }
    public var openFileCount: Int { openCount }
    /// Tail lag: bytes the followed files held at their last scan (or read) that are not read
    /// yet. Grows while a backlog or a blocked pipeline holds the tailer back.
    public var unreadBytes: UInt64 {
        readers.reduce(0) { sum, reader in
            sum + (reader.knownSize > reader.readOffset ? reader.knownSize - reader.readOffset : 0)
        }
    }
    public var trackedPaths: [String] { readers.map(\.path) }

    /// Directories worth watching for changes: each include pattern's fixed prefix and the
    /// directory of every tracked file.
    public var watchDirectories: Set<String> {
        var directories = Set(configuration.scanner.include.map(\.fixedPrefix))
        for reader in readers {
            if let slash = reader.path.utf8.lastIndex(of: UInt8(ascii: "/")) {
                directories.insert(slash == reader.path.utf8.startIndex ? "/" : String(reader.path[..<slash]))
            }
        }
        return directories
    }

    /// What one scan changed, for logs.
    public struct ScanReport: Sendable {
        public var files = 0
        public var added: [String] = []
        public var rotated: [(from: String, to: String)] = []
        public var truncated: [String] = []
        public var replaced: [String] = []
        public var leaving: [String] = []
        /// Problems that are new since the last scan (log them once).
        public var newProblems: [TailProblem] = []
        /// The directory walk stopped at its entry limit.
        public var incomplete = false
    }

    // MARK: - Discovery

    /// Finds the matching files and applies what changed since the last scan.
    @discardableResult
    public func rescan() -> ScanReport {
        let now = monotonic()
        let firstScan = scans == 0
        scans += 1
        var report = ScanReport()
        let scan = configuration.scanner.scan()
        report.incomplete = scan.truncated
        var seenProblems = Set<String>()
        func problem(_ p: TailProblem) {
            seenProblems.insert(p.path)
            if scanProblems[p.path] != p { report.newProblems.append(p) }
            scanProblems[p.path] = p
        }
        for error in scan.errors { problem(TailProblem(path: error.path, operation: "list directory", errno: error.errno)) }

        let byPath = Dictionary(readers.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var observations: [FileObservation] = []
        observations.reserveCapacity(scan.files.count)
        for path in scan.files {
            do {
                observations.append(try configuration.fingerprinter.fingerprint(path: path, prefixOf: byPath[path]?.fingerprint))
            } catch {
                problem(TailProblem(path: path, operation: error.operation, errno: error.errno))
            }
        }
        // A problem not seen again is over.
        for path in scanProblems.keys where !seenProblems.contains(path) { scanProblems[path] = nil }
        report.files = observations.count

        let result = FileIdentity.classify(
            tracked: readers.map { TrackedFile(path: $0.path, fingerprint: $0.fingerprint, offset: $0.readOffset) },
            observed: observations)
        let byInode = Dictionary(readers.map { (DevIno($0.fingerprint), $0) }, uniquingKeysWith: { first, _ in first })
        let observedByInode = Dictionary(observations.map { (DevIno($0.fingerprint), $0) }, uniquingKeysWith: { first, _ in first })

        // In-place changes first, so that a copy found in this scan (`new`, `copied`) can
        // resume where the content it copies was left, whatever order the walk found them in.
        var added: [(FileObservation, FileChange)] = []
        for (observation, change) in result.changes {
            switch change {
            case .new, .copied, .replaced:
                added.append((observation, change))
            case .unchanged(let grown):
                guard let reader = byInode[DevIno(observation.fingerprint)] else { continue }
                refresh(reader, observation)
                if grown { reader.atEOF = false }
            case .rotated(let previous):
                guard let reader = byInode[DevIno(observation.fingerprint)] else { continue }
                reader.rename(to: observation.path)
                refresh(reader, observation)
                reader.atEOF = false
                stats.rotations += 1
                report.rotated.append((previous.path, observation.path))
            case .truncated:
                guard let reader = byInode[DevIno(observation.fingerprint)] else { continue }
                if supersede(reader, by: observation) {
                    added.append((observation, .new))
                    continue
                }
                replaceContent(of: reader, with: observation)
                stats.truncations += 1
                report.truncated.append(observation.path)
            case .inodeReused:
                // New content in a known inode — another file, or a copytruncate whose file
                // grew past the old offset before this scan. Either way the old content may
                // have a copy: retire it like a truncation.
                guard let reader = byInode[DevIno(observation.fingerprint)] else { continue }
                if supersede(reader, by: observation) {
                    added.append((observation, .new))
                    continue
                }
                if reader.path != observation.path { reader.rename(to: observation.path) }
                replaceContent(of: reader, with: observation)
                report.replaced.append(observation.path)
            }
        }
        // Files no longer found: renamed out of the globs or deleted — unless the walk was cut
        // short or their directory could not be listed (then they are simply not seen now).
        // Before the new files are added, so a file leaving is never taken for the original
        // of a new one that starts like it.
        let unlisted = scan.errors.map { $0.path + "/" }
        for gone in result.gone where !scan.truncated && !unlisted.contains(where: { gone.path.hasPrefix($0) }) {
            guard let reader = byInode[DevIno(gone.fingerprint)], scanProblems[gone.path] == nil else { continue }
            if reader.state == .active {
                reader.state = .leaving(since: now)
                // No scan sees this file any more: lines written to it between the rename
                // (or deletion) and this scan are only found by reading it once more.
                reader.atEOF = false
                report.leaving.append(reader.path)
            }
            if case .shadow = reader.state { remove(reader) }
        }
        for (observation, change) in added {
            // `replaced`: the file that was at this path is handled by its own observation or in `gone`.
            addReader(observation, firstScan: firstScan && change == .new, observedByInode: observedByInode, now: now)
            if case .replaced = change { report.replaced.append(observation.path) } else { report.added.append(observation.path) }
        }
        for entry in retired where scans - entry.scan > 2 { book.close(reader: entry.window) }  // no copy turned up
        retired.removeAll { scans - $0.scan > 2 }
        return report
    }

    private struct DevIno: Hashable {
        let device: UInt64
        let inode: UInt64
        init(_ fingerprint: Fingerprint) {
            device = fingerprint.device
            inode = fingerprint.inode
        }
    }

    /// New content in a tracked inode at another path, the reader closed (evicted for the
    /// open-file cap): its file was deleted and the freed inode number given to a new file
    /// (ext4 does so at once) — not a truncation or rewrite of the tracked file. Restarting
    /// the reader at 0 on it would read a copytruncate copy a second time; instead the new
    /// file is added like any other (copies recognised) and the old reader is let go. (An
    /// open reader keeps its inode from being freed: there the content really changed.)
    private func supersede(_ reader: FileReader, by observation: FileObservation) -> Bool {
        guard !reader.isOpen, reader.path != observation.path else { return false }
        guard let index = readers.firstIndex(where: { $0 === reader }) else { return false }
        readers.remove(at: index)
        if cursor > index { cursor -= 1 }
        if case .shadow = reader.state {
            return true  // never read: nothing to finish, no checkpoint
        }
        if reader.knownSize > reader.readOffset {
            stats.unreadBytesLost += Int(reader.knownSize - reader.readOffset)
        }
        superseded.append(reader)
        return true
    }

    /// An open file now shorter than what was read, or whose first bytes changed, had its
    /// content replaced in place (copytruncate, `> file`, a rewrite): start over now rather
    /// than at the next scan. True when it was.
    @discardableResult
    private func noticeTruncation(of reader: FileReader) -> Bool {
        guard reader.isOpen, reader.state == .active,
            let observation = try? configuration.fingerprinter.fingerprint(fd: reader.fd, path: reader.path)
        else { return false }
        let shorter = observation.size < reader.readOffset
        let rewritten =
            reader.fingerprint.isStable && observation.fingerprint.isStable && observation.fingerprint.checksum != reader.fingerprint.checksum
        guard shorter || rewritten else { return false }
        replaceContent(of: reader, with: observation)
        stats.truncations += 1
        return true
    }

    /// A copy's content may belong to an open file truncated since its last read (the copy
    /// is found first, by a create or modify event): notice the truncation now, so the copy
    /// resumes where the original was instead of being read from 0.
    private func noticeTruncations(matching fingerprint: Fingerprint) {
        guard fingerprint.isStable else { return }
        for reader in readers
        where reader.state == .active && reader.isOpen && reader.fingerprint.isStable
            && reader.fingerprint.checksum == fingerprint.checksum && DevIno(reader.fingerprint) != DevIno(fingerprint)
        {
            noticeTruncation(of: reader)
        }
    }

    /// The content `reader` followed was truncated or replaced in place. What the reader still
    /// held (a multi-line event, a CRI fragment, a partial line) is sent now rather than lost;
    /// a copy of the old content — tracked already, or turning up within two scans — resumes
    /// where reading stopped and takes over the old content's unacknowledged batches
    /// (`CheckpointBook.transfer`); the reader follows the new content from 0 under a new id.
    private func replaceContent(of reader: FileReader, with observation: FileObservation) {
        let oldID = reader.id
        let wasActive = reader.state == .active
        let oldFingerprint = reader.fingerprint
        if wasActive {
            let last = reader.finish(observed: wall(), stats: &stats)
            queued.append(TailBatch(path: reader.path, records: last.records, ticket: book.issue(reader: oldID, end: last.checkpoint), bytesRead: 0))
        }
        let offset = reader.readOffset
        reader.id = nextID
        nextID += 1
        if !activateShadows(of: oldID, at: offset, window: oldID) {
            if wasActive && oldFingerprint.isStable {
                retired.append((oldFingerprint, offset, scans, oldID))
            } else {
                book.close(reader: oldID)
            }
        }
        restart(reader, observation)
    }

    private func addReader(
        _ observation: FileObservation, firstScan: Bool, observedByInode: [DevIno: FileObservation], now: ContinuousClock.Instant
    ) {
        // A copy of content just truncated or overwritten: resume where that was framed to.
        noticeTruncations(matching: observation.fingerprint)
        if observation.fingerprint.isStable,
            let index = retired.firstIndex(where: {
                $0.fingerprint.checksum == observation.fingerprint.checksum && $0.fingerprint.length == observation.fingerprint.length
            })
        {
            let entry = retired.remove(at: index)
            let offset = min(entry.offset, observation.size)
            let copy = makeReader(observation, offset: offset, now: now)
            if !book.transfer(from: entry.window, to: copy.id, fingerprint: observation.fingerprint, path: observation.path) {
                book.open(reader: copy.id, generation: copy.generation, fingerprint: observation.fingerprint, path: observation.path, offset: offset)
            }
            return
        }
        // A copy of a file being read (copytruncate between the copy and the truncation, or
        // `cp` for a backup): not read twice.
        if let original = original(copiedAs: observation) {
            let shadow = makeReader(observation, offset: 0, now: now)
            shadow.state = .shadow(of: original.id)
            return
        }
        var observation = observation
        let current = observation.fingerprint
        if let provisional = book.storedProvisional(device: current.device, inode: current.inode),
            current.length > provisional.length, observation.prefix?.length != provisional.length,
            let again = try? configuration.fingerprinter.fingerprint(path: observation.path, prefixOf: provisional),
            DevIno(again.fingerprint) == DevIno(current)
        {
            // A checkpoint of a short file in this inode (after a restart: no reader has it):
            // without the checksum of its length of this file, a file rewritten in place or a
            // new file in the reused inode would count as the short one grown and be read
            // from the short one's offset, losing its first lines.
            observation.prefix = again.prefix
        }
        var offset: UInt64 = 0
        var stored: Fingerprint?
        // A stored file counts as still there only with its content: after copytruncate its
        // inode is still there, truncated, and the copy must take its entry over.
        let isObserved = { (stored: Fingerprint) -> Bool in
            guard let seen = observedByInode[DevIno(stored)] else { return false }
            return FileIdentity.sameContent(stored: stored, current: seen.fingerprint, prefix: seen.prefix)
        }
        if let found = book.storedOffset(for: observation, isObserved: isObserved) {
            stored = found.fingerprint
            // Larger than the file: it was truncated while the agent was not looking.
            offset = found.offset <= observation.size ? found.offset : 0
        } else if firstScan && configuration.startAt == .end {
            offset = observation.size
        }
        let reader = makeReader(observation, offset: offset, now: now)
        // Too short to know yet whether it copies a file being read: decided at its first read.
        reader.identityPending = !firstScan && stored == nil && !observation.fingerprint.isStable
        book.open(reader: reader.id, generation: reader.generation, fingerprint: observation.fingerprint, replacing: stored, path: observation.path, offset: offset)
    }

    /// The active file `observation` is a copy of, if any: the same first bytes (a full
    /// fingerprint) in another inode, and its last bytes so far equal to the original's at the
    /// same offsets — so a copy still being written counts, and a new file that merely starts
    /// with the same header as another does not.
    private func original(copiedAs observation: FileObservation) -> FileReader? {
        guard observation.fingerprint.isStable else { return nil }
        return readers.first {
            $0.state == .active && $0.fingerprint.isStable && $0.fingerprint.checksum == observation.fingerprint.checksum
                && $0.fingerprint.length == observation.fingerprint.length
                && DevIno($0.fingerprint) != DevIno(observation.fingerprint)
                && sameTail(copy: observation.path, size: observation.size, original: $0)
        }
    }

    /// Whether the `size` bytes at `copy` end like the first `size` bytes of `original`
    /// (compared over the last fingerprint-length bytes).
    private func sameTail(copy path: String, size: UInt64, original: FileReader) -> Bool {
        let length = Int(min(size, UInt64(configuration.fingerprinter.checksumBytes)))
        guard length > 0 else { return true }
        let offset = size - UInt64(length)
        guard let copied = Self.bytes(atPath: path, offset: offset, count: length),
            let originalBytes = original.isOpen
                ? Self.bytes(fd: original.fd, offset: offset, count: length) : Self.bytes(atPath: original.path, offset: offset, count: length)
        else { return false }
        return copied == originalBytes
    }

    private static func bytes(atPath path: String, offset: UInt64, count: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { closeDescriptor(fd) }
        return bytes(fd: fd, offset: offset, count: count)
    }

    private static func bytes(fd: Int32, offset: UInt64, count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            filled += n
        }
        return buffer
    }

    /// A file found empty or short while running now has data: it is a copy of content just
    /// truncated (resume where that was), a copy of a file being read (a shadow), or new
    /// (read from 0). False when it must not be read now.
    private func resolveIdentity(_ reader: FileReader) -> Bool {
        guard let observation = try? configuration.fingerprinter.fingerprint(fd: reader.fd, path: reader.path) else {
            reader.identityPending = false
            return true
        }
        guard observation.size > 0 else {
            reader.atEOF = true  // still empty: nothing to decide or read yet
            return false
        }
        reader.identityPending = false
        reader.knownSize = max(reader.knownSize, observation.size)
        noticeTruncations(matching: observation.fingerprint)
        if observation.fingerprint.isStable,
            let index = retired.firstIndex(where: {
                $0.fingerprint.checksum == observation.fingerprint.checksum && $0.fingerprint.length == observation.fingerprint.length
            })
        {
            let entry = retired.remove(at: index)
            let offset = min(entry.offset, observation.size)
            reader.restart(at: offset, fingerprint: observation.fingerprint)
            book.close(reader: reader.id)
            if !book.transfer(from: entry.window, to: reader.id, fingerprint: observation.fingerprint, path: reader.path) {
                book.open(reader: reader.id, generation: reader.generation, fingerprint: observation.fingerprint, path: reader.path, offset: offset)
            }
            return true
        }
        if let original = original(copiedAs: observation) {
            reader.fingerprint = observation.fingerprint
            reader.state = .shadow(of: original.id)
            close(reader)  // not read while a shadow: its descriptor is better used elsewhere
            return false
        }
        if reader.fingerprint != observation.fingerprint {
            reader.fingerprint = observation.fingerprint
            book.moved(reader: reader.id, fingerprint: observation.fingerprint, path: reader.path)
        }
        return true
    }

    private func makeReader(_ observation: FileObservation, offset: UInt64, now: ContinuousClock.Instant) -> FileReader {
        let reader = FileReader(
            id: nextID, path: observation.path, fingerprint: observation.fingerprint, offset: offset, size: observation.size,
            configuration: configuration, now: now)
        nextID += 1
        readers.append(reader)
        return reader
    }

    private func refresh(_ reader: FileReader, _ observation: FileObservation) {
        if case .leaving = reader.state { reader.state = .active }  // back under the globs
        if case .shadow(let originalID) = reader.state, observation.size != reader.knownSize {
            // Grown: still a copy being written if it ends like the original at that length;
            // otherwise a live file that shares its first bytes with another — read it all.
            if let original = readers.first(where: { $0.id == originalID }),
                sameTail(copy: observation.path, size: observation.size, original: original)
            {
                reader.knownSize = observation.size
                reader.fingerprint = observation.fingerprint
                return
            }
            restart(reader, observation)
            return
        }
        reader.knownSize = max(observation.size, reader.readOffset)
        if reader.fingerprint != observation.fingerprint || reader.path != observation.path {
            reader.fingerprint = observation.fingerprint
            if case .shadow = reader.state {} else {
                book.moved(reader: reader.id, fingerprint: observation.fingerprint, path: observation.path)
            }
        }
    }

    private func restart(_ reader: FileReader, _ observation: FileObservation) {
        if case .shadow = reader.state {
            reader.state = .active  // its content changed: no longer a copy of anything
        }
        reader.restart(at: 0, fingerprint: observation.fingerprint)
        reader.knownSize = observation.size
        book.open(reader: reader.id, generation: reader.generation, fingerprint: observation.fingerprint, path: observation.path, offset: 0)
    }

    /// The original is gone (truncated, replaced, released): its shadows are read from
    /// `offset` on; the first takes over the original's unacknowledged batches (`window`).
    /// True when one did.
    @discardableResult
    private func activateShadows(of originalID: UInt64, at offset: UInt64, window: UInt64?) -> Bool {
        var adopted = false
        for shadow in readers where shadow.state == .shadow(of: originalID) {
            shadow.state = .active
            // The size now, not at the last scan: the copy may have been finished since.
            var st = stat()
            let size = stat(shadow.path, &st) == 0 ? max(shadow.knownSize, UInt64(max(st.st_size, 0))) : shadow.knownSize
            shadow.knownSize = size
            let start = min(offset, size)
            shadow.restart(at: start, fingerprint: shadow.fingerprint)
            if !adopted, let window, start == offset,
                book.transfer(from: window, to: shadow.id, fingerprint: shadow.fingerprint, path: shadow.path)
            {
                adopted = true
            } else {
                book.open(reader: shadow.id, generation: shadow.generation, fingerprint: shadow.fingerprint, path: shadow.path, offset: start)
            }
        }
        return adopted
    }

    // MARK: - Reading

    /// A file changed (a watch event): try reading it again even before the next scan.
    public func fileChanged(path: String) {
        for reader in readers where reader.path == path { reader.atEOF = false }
    }

    /// Try every open file again (a watch event without a name, a poll tick). Closed files
    /// wait for a scan to show they grew: reopening thousands on every tick would cost more.
    public func wakeAll() {
        for reader in readers where reader.isOpen { reader.atEOF = false }
    }

    /// Reads one chunk from the next file with unread bytes (round robin). Nil when every
    /// file is at its end or waiting for a free descriptor.
    public func nextBatch() -> TailBatch? {
        if !queued.isEmpty { return queued.removeFirst() }
        guard !readers.isEmpty else { return nil }
        // One pass over the readers, extended when a file reaches its end while another
        // waited for a descriptor: the caught-up file can now be closed for it. Without
        // this, open files woken by every poll tick would hit their end only after the
        // waiting files were passed over, and the waiting files would never be read.
        var budget = readers.count
        var waitingForDescriptor = false
        while budget > 0 {
            budget -= 1
            if cursor >= readers.count { cursor = 0 }
            let reader = readers[cursor]
            cursor += 1
            if case .shadow = reader.state { continue }
            guard reader.hasUnread else { continue }
            if !reader.isOpen {
                guard freeDescriptor() else {
                    waitingForDescriptor = true
                    continue
                }
                do {
                    try reader.openFile()
                    openCount += 1
                    stats.filesOpened += 1
                } catch {
                    reader.atEOF = true
                    // Another file at the path since the scan: the next scan sorts it out.
                    if error.errno != ESTALE {
                        readProblem(error.problem)
                        stats.readErrors += 1
                    }
                    continue
                }
            }
            if reader.identityPending && !resolveIdentity(reader) { continue }
            // After a pause (idle, or the pipeline was full) the content may have been replaced
            // and refilled past the offset (copytruncate): the first bytes tell, before a read
            // at the old offset would start mid-line in other content.
            if reader.fingerprint.isStable, monotonic() - reader.lastDataAt >= .milliseconds(100), noticeTruncation(of: reader) {
                if !queued.isEmpty { return queued.removeFirst() }
                continue
            }
            turn += 1
            reader.lastTurn = turn
            do {
                switch try reader.read(into: buffer, now: monotonic(), observed: wall(), stats: &stats) {
                case .endOfFile:
                    // Shorter than what was read: truncated since (copytruncate, `> file`).
                    // Start over now, not at the next scan, before new lines pass the old
                    // offset and make the truncation look like growth.
                    noticeTruncation(of: reader)
                    if waitingForDescriptor {
                        // Ends: each reader reaches its end once before it is read again.
                        waitingForDescriptor = false
                        budget = readers.count
                    }
                    continue
                case .data(let records, let checkpoint, let bytes):
                    if readProblems[reader.path] != nil { readProblems[reader.path] = nil }
                    completeFingerprint(of: reader)
                    return TailBatch(path: reader.path, records: records, ticket: book.issue(reader: reader.id, end: checkpoint), bytesRead: bytes)
                }
            } catch {
                readProblem(error.problem)
                close(reader)
                reader.atEOF = true
                stats.readErrors += 1
            }
        }
        return queued.isEmpty ? nil : queued.removeFirst()
    }

    /// A file that was short when fingerprinted has grown past the fingerprint length: take
    /// its full fingerprint now rather than at the next scan, so a copytruncate right after
    /// (logrotate on a busy file) still finds the copy's original by its first bytes.
    private func completeFingerprint(of reader: FileReader) {
        guard !reader.fingerprint.isStable, reader.isOpen,
            reader.readOffset >= UInt64(configuration.fingerprinter.checksumBytes),
            let observation = try? configuration.fingerprinter.fingerprint(fd: reader.fd, path: reader.path, prefixOf: reader.fingerprint),
            observation.fingerprint.isStable,
            FileIdentity.sameContent(stored: reader.fingerprint, current: observation.fingerprint, prefix: observation.prefix)
        else { return }
        reader.fingerprint = observation.fingerprint
        book.moved(reader: reader.id, fingerprint: observation.fingerprint, path: reader.path)
    }

    /// Partial lines and multi-line events past their timeouts, and files released after
    /// rotation or deletion (their last lines included). Call it when `nextBatch` ran dry.
    public func housekeeping() -> [TailBatch] {
        let now = monotonic()
        let observed = wall()
        var batches: [TailBatch] = []
        for reader in readers {
            if case .shadow = reader.state { continue }
            if let flushed = reader.flushTimeouts(now: now, observed: observed, stats: &stats) {
                batches.append(TailBatch(path: reader.path, records: flushed.records, ticket: book.issue(reader: reader.id, end: flushed.checkpoint), bytesRead: 0))
            }
        }
        for reader in superseded {
            let last = reader.finish(observed: observed, stats: &stats)
            batches.append(TailBatch(path: reader.path, records: last.records, ticket: book.issue(reader: reader.id, end: last.checkpoint), bytesRead: 0))
            activateShadows(of: reader.id, at: reader.readOffset, window: reader.id)
            book.close(reader: reader.id)
            stats.filesReleased += 1
        }
        superseded.removeAll()
        for reader in readers {
            guard case .leaving(let since) = reader.state else { continue }
            if reader.isOpen {
                guard !reader.hasUnread, now - max(since, reader.lastDataAt) >= configuration.rotateWait else { continue }
                // A last look before letting go: a writer's final lines after our last read
                // would otherwise be dropped (no scan or watch event names this file now).
                if let size = reader.sizeOnDisk(), size > reader.readOffset {
                    reader.knownSize = size
                    reader.atEOF = false
                    continue
                }
            } else if reader.knownSize > reader.readOffset {
                stats.unreadBytesLost += Int(reader.knownSize - reader.readOffset)
            }
            let last = reader.finish(observed: observed, stats: &stats)
            batches.append(TailBatch(path: reader.path, records: last.records, ticket: book.issue(reader: reader.id, end: last.checkpoint), bytesRead: 0))
            activateShadows(of: reader.id, at: reader.readOffset, window: reader.id)
            remove(reader)
            stats.filesReleased += 1
        }
        return batches
    }

    private func remove(_ reader: FileReader) {
        close(reader)
        book.close(reader: reader.id)
        if let index = readers.firstIndex(where: { $0 === reader }) {
            readers.remove(at: index)
            if cursor > index { cursor -= 1 }
        }
        if !readers.contains(where: { $0.path == reader.path }) { readProblems[reader.path] = nil }
    }

    private func readProblem(_ problem: TailProblem) {
        if readProblems[problem.path] != problem { unreportedProblems.append(problem) }
        readProblems[problem.path] = problem
    }

    /// Open and read problems found since the last call (log each once); `problems` has
    /// all current ones.
    public func takeNewProblems() -> [TailProblem] {
        defer { unreportedProblems.removeAll() }
        return unreportedProblems
    }

    private func close(_ reader: FileReader) {
        if reader.isOpen {
            reader.closeFile()
            openCount -= 1
        }
    }

    /// A descriptor is free, or one was freed by closing the caught-up file read least
    /// recently (it is reopened by path when it grows). Files leaving the globs keep theirs:
    /// they could not be found again.
    private func freeDescriptor() -> Bool {
        if openCount < configuration.maxOpenFiles { return true }
        var victim: FileReader?
        for reader in readers where reader.isOpen && reader.state == .active && !reader.hasUnread {
            if victim == nil || reader.lastTurn < victim!.lastTurn { victim = reader }
        }
        guard let victim else { return false }
        close(victim)
        return true
    }
}

/// `close(2)`, outside `FileTailer` whose own `close(_:)` would shadow it.
private func closeDescriptor(_ fd: Int32) {
    close(fd)
}
