#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif
import Foundation
import Testing

@testable import LogTail
import Telemetry
import TestSupport

/// A monotonic clock the test moves by hand: rotate_wait, partial-line and multi-line
/// timeouts run on it, so no test sleeps. Used by one test's FileTailer only (not Sendable).
final class ManualClock {
    var now = ContinuousClock.now
    func advance(_ duration: Duration) { now = now.advanced(by: duration) }
}

struct FileOpError: Error, CustomStringConvertible {
    var description: String
}

/// Small POSIX file helpers: appends go through O_APPEND on the same inode, as a logger's
/// would (Foundation's atomic writes would replace the file).
enum TestFiles {
    static func append(_ path: String, _ text: String) throws { try append(path, Array(text.utf8)) }

    static func append(_ path: String, _ bytes: [UInt8]) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileOpError(description: "open \(path): errno \(errno)") }
        defer { close(fd) }
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = write(fd, raw.baseAddress! + done, raw.count - done)
                guard n > 0 else { throw FileOpError(description: "write \(path): errno \(errno)") }
                done += n
            }
        }
    }

    static func move(_ from: String, _ to: String) throws {
        guard rename(from, to) == 0 else { throw FileOpError(description: "rename \(from): errno \(errno)") }
    }

    static func delete(_ path: String) throws {
        guard unlink(path) == 0 else { throw FileOpError(description: "unlink \(path): errno \(errno)") }
    }

    static func truncate(_ path: String, to size: Int = 0) throws {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileOpError(description: "open \(path): errno \(errno)") }
        defer { close(fd) }
        guard ftruncate(fd, off_t(size)) == 0 else { throw FileOpError(description: "ftruncate \(path): errno \(errno)") }
    }

    /// `cp`: a new inode with the same bytes.
    static func copy(_ from: String, _ to: String) throws {
        guard let data = FileManager.default.contents(atPath: from) else { throw FileOpError(description: "read \(from)") }
        try append(to, Array(data))
    }

    static func size(_ path: String) -> UInt64 {
        var st = stat()
        return stat(path, &st) == 0 ? UInt64(st.st_size) : 0
    }
}

/// A numbered line, long enough that a few of them make a stable (256-byte) fingerprint.
func seqLine(_ n: Int) -> String { "seq=\(n) the quick brown fox jumps over\n" }

func seqLines(_ range: ClosedRange<Int>) -> String { range.map(seqLine).joined() }

/// The N of a `seqLine` body, nil for any other record.
func seqNumber(_ body: String) -> Int? {
    guard body.hasPrefix("seq="), let space = body.firstIndex(of: " ") else { return nil }
    return Int(body[body.index(body.startIndex, offsetBy: 4)..<space])
}

/// Every N of `range` exactly once among `bodies` (and no other numbered line).
func expectExactlyOnce(_ bodies: [String], _ range: ClosedRange<Int>, sourceLocation: SourceLocation = #_sourceLocation) {
    let numbers = bodies.compactMap(seqNumber)
    var counts: [Int: Int] = [:]
    for n in numbers { counts[n, default: 0] += 1 }
    let missing = range.filter { counts[$0] == nil }
    let repeated = counts.filter { $0.value > 1 }.keys.sorted()
    let stray = counts.keys.filter { !range.contains($0) }.sorted()
    #expect(missing.isEmpty && repeated.isEmpty && stray.isEmpty,
        "missing \(missing), repeated \(repeated), unexpected \(stray)", sourceLocation: sourceLocation)
}

/// One FileTailer driven the way FileLogsSource drives it, synchronously: `pump` wakes the
/// open files (the source's poll tick), reads until `nextBatch` is nil, then runs
/// `housekeeping`; every batch is acknowledged unless told otherwise.
final class TailerHarness {
    let clock: ManualClock
    let tailer: FileTailer
    var book: CheckpointBook { tailer.book }
    private(set) var records: [LogRecord] = []
    private(set) var batches: [TailBatch] = []
    /// The most files open at once after any call.
    private(set) var maxOpenFiles = 0

    var bodies: [String] { records.map { String(decoding: $0.body, as: UTF8.self) } }

    init(_ configuration: TailerConfiguration, store: CheckpointStore? = nil, clock: ManualClock = ManualClock()) {
        self.clock = clock
        tailer = FileTailer(configuration: configuration, book: CheckpointBook(store: store), monotonic: { [clock] in clock.now })
    }


    @discardableResult
    func scan() -> FileTailer.ScanReport { tailer.rescan() }

    /// Reads until nothing is left, then housekeeping. Returns the bodies of this call.
    @discardableResult
    func pump(acknowledge: Bool = true, wake: Bool = true) -> [String] {
        if wake { tailer.wakeAll() }
        var got: [TailBatch] = []
        var guardCount = 0
        while let batch = tailer.nextBatch() {
            got.append(batch)
            maxOpenFiles = max(maxOpenFiles, tailer.openFileCount)
            guardCount += 1
            if guardCount > 100_000 { Issue.record("nextBatch never ran dry"); break }
        }
        got += tailer.housekeeping()
        maxOpenFiles = max(maxOpenFiles, tailer.openFileCount)
        if acknowledge { for batch in got { book.acknowledge(batch.ticket) } }
        batches += got
        let new = got.flatMap(\.records)
        records += new
        return new.map { String(decoding: $0.body, as: UTF8.self) }
    }

    @discardableResult
    func scanAndPump(acknowledge: Bool = true) -> [String] {
        scan()
        return pump(acknowledge: acknowledge)
    }
}

func tailerConfig(
    include: [String], _ configure: (inout TailerConfiguration) -> Void = { _ in }
) throws -> TailerConfiguration {
    var configuration = TailerConfiguration(scanner: try PathScanner(include: include))
    configure(&configuration)
    return configuration
}

/// A checkpoint store in `directory`, loaded as the source loads it at start.
func loadedStore(_ directory: String) -> CheckpointStore {
    var store = CheckpointStore(directory: directory)
    store.load()
    return store
}

// MARK: - Basics

@Suite("Tailer basics")
struct TailerBasicTests {
    @Test func linesArriveInOrderOnceWithTheirPath() throws {
        let dir = try TemporaryDirectory("outrider-tail")
        let path = dir.path + "/app.log"
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/*.log"]))
        try TestFiles.append(path, seqLines(1...3))
        let report = h.scan()
        #expect(report.added == [path])
        #expect(h.pump() == (1...3).map { String(seqLine($0).dropLast()) })
        #expect(h.scanAndPump().isEmpty)  // nothing new: nothing read twice

        // A line written in two writes is one record; blank lines are skipped.
        try TestFiles.append(path, seqLine(4) + "seq=5 half")
        #expect(h.scanAndPump().compactMap(seqNumber) == [4])
        try TestFiles.append(path, " a line\n\n   \n\t\r\n" + seqLine(6))
        #expect(h.scanAndPump() == ["seq=5 half a line", String(seqLine(6).dropLast())])
        #expect(h.tailer.stats.blankLines == 3)
        #expect(h.records.count == 6)
        for record in h.records {
            #expect(record.attributes[LogDecoder.filePathAttribute] == .string(path))
        }
        #expect(h.tailer.trackedFileCount == 1)
        #expect(h.tailer.problems.isEmpty)
    }

    @Test func partialLastLineWaitsForTheTimeout() throws {
        let dir = try TemporaryDirectory("outrider-tail")
        let path = dir.path + "/app.log"
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/*.log"]) {
            $0.framing.partialLineTimeout = .seconds(1)
        })
        try TestFiles.append(path, "first\nno newline yet")
        #expect(h.scanAndPump() == ["first"])
        h.clock.advance(.milliseconds(900))
        #expect(h.scanAndPump().isEmpty)
        // Everything acknowledged, but the checkpoint stays before the partial line.
        let reader = try #require(h.batches.first?.ticket.reader)
        #expect(h.book.committed(reader: reader) == 6)
        h.clock.advance(.milliseconds(100))
        #expect(h.pump() == ["no newline yet"])
        #expect(h.tailer.stats.unterminatedLines == 1)
        #expect(h.book.committed(reader: reader) == TestFiles.size(path))
        // Later bytes start a new line; nothing is emitted twice.
        try TestFiles.append(path, "next\n")
        #expect(h.scanAndPump() == ["next"])
        h.clock.advance(.seconds(5))
        #expect(h.scanAndPump().isEmpty)
        #expect(h.bodies == ["first", "no newline yet", "next"])
    }

    @Test func filesAreReadWithoutRescanWhenWoken() throws {
        let dir = try TemporaryDirectory("outrider-tail")
        let path = dir.path + "/app.log"
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/*.log"]))
        try TestFiles.append(path, seqLine(1))
        h.scanAndPump()
        try TestFiles.append(path, seqLine(2))
        h.tailer.fileChanged(path: path)
        #expect(h.pump(wake: false).compactMap(seqNumber) == [2])
        try TestFiles.append(path, seqLine(3))
        #expect(h.pump().compactMap(seqNumber) == [3])  // wakeAll
        expectExactlyOnce(h.bodies, 1...3)
    }
}

// MARK: - Checkpoints

@Suite("Tailer checkpoints")
struct TailerCheckpointTests {
    static let retention = Duration.seconds(3600)

    /// A log directory and a checkpoint directory under one temporary directory.
    struct Dirs {
        let temp: TemporaryDirectory
        var logs: String { temp.path + "/logs" }
        var checkpoints: String { temp.path + "/ckpt" }
        var log: String { logs + "/app.log" }
        var include: [String] { [logs + "/*.log"] }

        init() throws {
            temp = try TemporaryDirectory("outrider-tailckpt")
            try FileManager.default.createDirectory(atPath: temp.path + "/logs", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: temp.path + "/ckpt", withIntermediateDirectories: true)
        }
    }

    /// A run that reads everything there is, acknowledges it and saves its checkpoints.
    static func firstRun(_ d: Dirs) throws {
        let h = TailerHarness(try tailerConfig(include: d.include), store: loadedStore(d.checkpoints))
        h.scanAndPump()
        try h.book.save(retention: retention)
    }

    /// The run after a restart: the stored checkpoints loaded, everything read.
    static func secondRun(_ d: Dirs) throws -> TailerHarness {
        let h = TailerHarness(try tailerConfig(include: d.include), store: loadedStore(d.checkpoints))
        h.scanAndPump()
        return h
    }

    @Test func restartResumesAfterTheAcknowledgedLines() throws {
        let d = try Dirs()
        try TestFiles.append(d.log, seqLines(1...10))
        do {
            let h = TailerHarness(try tailerConfig(include: d.include), store: loadedStore(d.checkpoints))
            h.scanAndPump()
            expectExactlyOnce(h.bodies, 1...10)
            #expect(try h.book.save(retention: Self.retention) == 1)
        }
        try TestFiles.append(d.log, seqLines(11...12))
        var store = CheckpointStore(directory: d.checkpoints)
        #expect(store.load() == .loaded(entries: 1))
        #expect(store.entries.values.first?.offset == UInt64(seqLines(1...10).utf8.count))
        let h = TailerHarness(try tailerConfig(include: d.include), store: store)
        h.scanAndPump()
        expectExactlyOnce(h.bodies, 11...12)
    }

    /// copytruncate while delivery lags: the copy resumes reading where the original was,
    /// but its checkpoint is where delivery was — a crash then re-reads the copy from there.
    @Test func aCopyTakesOverTheUnacknowledgedBatches() throws {
        let d = try Dirs()
        let include = [d.logs + "/app.log*"]
        try TestFiles.append(d.log, seqLines(1...20))
        do {
            let h = TailerHarness(try tailerConfig(include: include), store: loadedStore(d.checkpoints))
            h.scan()
            h.pump(acknowledge: false)  // read, handed to the pipeline, not delivered yet
            expectExactlyOnce(h.bodies, 1...20)
            try TestFiles.copy(d.log, d.log + ".1")
            h.scan()  // the copy: a shadow
            try TestFiles.truncate(d.log)
            try TestFiles.append(d.log, seqLines(21...22))
            h.scan()
            h.pump(acknowledge: false)
            expectExactlyOnce(h.bodies, 1...22)
            try h.book.save(retention: Self.retention, force: true)  // then a SIGKILL
        }
        let h = TailerHarness(try tailerConfig(include: include), store: loadedStore(d.checkpoints))
        h.scanAndPump()
        // Nothing was acknowledged: everything comes again, from the copy and the new file.
        expectExactlyOnce(h.bodies, 1...22)
    }

    /// A multi-line event still being assembled when the file is truncated is sent, not lost.
    @Test func aHeldMultilineEventSurvivesATruncation() throws {
        let d = try Dirs()
        var config = try tailerConfig(include: d.include)
        config.multiline = MultilineJoiner.Configuration(mode: .startPattern(try LinePattern("^seq=")), timeout: .seconds(60))
        try TestFiles.append(d.log, seqLine(1) + "  at frame one\n" + seqLine(2) + "  at frame two\n")
        let h = TailerHarness(config)
        h.scanAndPump()
        #expect(h.bodies.count == 1)  // event 2 waits for the next start line
        try TestFiles.truncate(d.log)
        try TestFiles.append(d.log, seqLine(3) + seqLine(4))
        h.scanAndPump()
        #expect(h.bodies.contains { $0.hasPrefix("seq=2 ") && $0.hasSuffix("at frame two") }, "\(h.bodies)")
        #expect(h.bodies.contains { $0.hasPrefix("seq=3 ") })
    }

    @Test func restartWithAShortFileThatGrew() throws {
        // The saved fingerprint is provisional (under 256 bytes); the file grew while down.
        let d = try Dirs()
        try TestFiles.append(d.log, seqLines(1...2))
        try Self.firstRun(d)
        try TestFiles.append(d.log, seqLines(3...12))
        let h = try Self.secondRun(d)
        expectExactlyOnce(h.bodies, 3...12)
    }

    @Test func unacknowledgedBatchIsReadAgainAfterRestart() throws {
        let d = try Dirs()
        let lineBytes = seqLine(1).utf8.count
        try TestFiles.append(d.log, seqLines(1...10))
        let configuration = try tailerConfig(include: d.include) { $0.readChunkBytes = 2 * lineBytes }
        do {
            let h = TailerHarness(configuration, store: loadedStore(d.checkpoints))
            h.scan()
            let first = try #require(h.tailer.nextBatch())
            let second = try #require(h.tailer.nextBatch())
            let third = try #require(h.tailer.nextBatch())
            #expect(first.records.count == 2 && second.records.count == 2)
            h.book.acknowledge(first.ticket)
            h.book.acknowledge(third.ticket)  // not contiguous: holds nothing
            #expect(h.book.committed(reader: first.ticket.reader) == UInt64(2 * lineBytes))
            try h.book.save(retention: Self.retention)
            _ = second
        }
        let h = TailerHarness(configuration, store: loadedStore(d.checkpoints))
        h.scanAndPump()
        expectExactlyOnce(h.bodies, 3...10)
    }

    @Test func unreadBytesIsTheTailLagOfTheFollowedFiles() throws {
        let d = try Dirs()
        let lineBytes = UInt64(seqLine(1).utf8.count)
        try TestFiles.append(d.log, seqLines(1...4))
        let h = TailerHarness(try tailerConfig(include: d.include) { $0.readChunkBytes = Int(lineBytes) })
        #expect(h.tailer.unreadBytes == 0, "nothing followed yet")
        h.scan()
        #expect(h.tailer.unreadBytes == 4 * lineBytes)
        _ = try #require(h.tailer.nextBatch())
        #expect(h.tailer.unreadBytes == 3 * lineBytes)
        while h.tailer.nextBatch() != nil {}
        #expect(h.tailer.unreadBytes == 0)
        try TestFiles.append(d.log, seqLines(5...6))
        h.scan()
        #expect(h.tailer.unreadBytes == 2 * lineBytes, "appended lines are lag until read")
    }

    @Test func outOfOrderAcknowledgementsCommitTheContiguousPrefix() throws {
        let d = try Dirs()
        let lineBytes = UInt64(seqLine(1).utf8.count)
        try TestFiles.append(d.log, seqLines(1...4))
        let h = TailerHarness(try tailerConfig(include: d.include) { $0.readChunkBytes = Int(lineBytes) })
        h.scan()
        var batches: [TailBatch] = []
        while let batch = h.tailer.nextBatch() { batches.append(batch) }
        try #require(batches.count == 4)
        let reader = batches[0].ticket.reader
        #expect(h.book.committed(reader: reader) == 0)
        h.book.acknowledge(batches[2].ticket)
        h.book.acknowledge(batches[3].ticket)
        #expect(h.book.committed(reader: reader) == 0)
        h.book.acknowledge(batches[0].ticket)
        #expect(h.book.committed(reader: reader) == lineBytes)
        h.book.acknowledge(batches[0].ticket)  // twice: no effect
        #expect(h.book.committed(reader: reader) == lineBytes)
        h.book.acknowledge(batches[1].ticket)
        #expect(h.book.committed(reader: reader) == 4 * lineBytes)
    }

    @Test func acknowledgementsOfATruncatedFileNoLongerCount() throws {
        let d = try Dirs()
        try TestFiles.append(d.log, seqLines(1...10))
        let h = TailerHarness(try tailerConfig(include: d.include))
        h.scan()
        let old = try #require(h.tailer.nextBatch())
        try TestFiles.truncate(d.log)
        try TestFiles.append(d.log, seqLine(11))
        h.scan()
        var fresh: [TailBatch] = []
        while let batch = h.tailer.nextBatch() { fresh.append(batch) }
        // The new content is followed under a new id; the old id keeps the old content's
        // window (for a copy that may turn up), so a late acknowledgement counts only there.
        let current = try #require(fresh.last(where: { $0.ticket.reader != old.ticket.reader }))
        for batch in fresh { h.book.acknowledge(batch.ticket) }
        h.book.acknowledge(old.ticket)  // late acknowledgement of the old stream
        #expect(h.book.committed(reader: current.ticket.reader) == UInt64(seqLine(11).utf8.count))
    }

    @Test func shortFileReplacedWhileDownIsReadFromZero() throws {
        // The stored fingerprint is provisional (a short file). The file is deleted while the
        // agent is down and a new, longer file created (often with the freed inode number):
        // it is not the stored file grown, and its first line must not be skipped.
        let d = try Dirs()
        try TestFiles.append(d.log, seqLine(1))
        try Self.firstRun(d)
        try TestFiles.delete(d.log)
        try TestFiles.append(d.log, seqLines(2...6))
        let h = try Self.secondRun(d)
        expectExactlyOnce(h.bodies, 2...6)
    }

    @Test func shortFileRewrittenWhileDownIsReadFromZero() throws {
        // Same inode for sure: truncated and rewritten, longer, while the agent was down.
        let d = try Dirs()
        try TestFiles.append(d.log, seqLine(1))
        try Self.firstRun(d)
        try TestFiles.truncate(d.log)
        try TestFiles.append(d.log, seqLines(2...6))
        let h = try Self.secondRun(d)
        expectExactlyOnce(h.bodies, 2...6)
    }

    @Test func storedOffsetPastTheEndRestartsAtZero() throws {
        let d = try Dirs()
        try TestFiles.append(d.log, seqLines(1...10))
        var store = loadedStore(d.checkpoints)
        let observation = try Fingerprinter().fingerprint(path: d.log)
        store.update(observation.fingerprint, path: d.log, offset: 1_000_000, now: WallClock.system.now())
        let h = TailerHarness(try tailerConfig(include: d.include), store: store)
        h.scanAndPump()
        expectExactlyOnce(h.bodies, 1...10)
    }

    @Test func startAtEndSkipsExistingContentOnlyOnTheFirstScan() throws {
        let d = try Dirs()
        try TestFiles.append(d.log, seqLines(1...5))
        let h = TailerHarness(try tailerConfig(include: d.include) { $0.startAt = .end })
        #expect(h.scanAndPump().isEmpty)
        try TestFiles.append(d.log, seqLine(6))
        h.scanAndPump()
        try TestFiles.append(d.logs + "/later.log", seqLines(7...8))  // created while running: from 0
        h.scanAndPump()
        expectExactlyOnce(h.bodies, 6...8)
    }

    @Test func storedCheckpointWinsOverStartAtEnd() throws {
        let d = try Dirs()
        try TestFiles.append(d.log, seqLines(1...3))
        try Self.firstRun(d)
        try TestFiles.append(d.log, seqLines(4...10))  // written while the agent was down
        try TestFiles.append(d.logs + "/other.log", seqLines(100...101))  // no checkpoint: skipped
        let h = TailerHarness(try tailerConfig(include: d.include) { $0.startAt = .end }, store: loadedStore(d.checkpoints))
        h.scanAndPump()
        expectExactlyOnce(h.bodies, 4...10)
    }

    @Test func rotatedFileResumesFromItsCheckpointAfterRestart() throws {
        // Renamed (within the globs) while the agent was down, new file created: the rotated
        // file resumes at its stored offset, the new one is read from 0.
        let d = try Dirs()
        let include = [d.logs + "/app.log*"]
        try TestFiles.append(d.log, seqLines(1...10))
        do {
            let h = TailerHarness(try tailerConfig(include: include), store: loadedStore(d.checkpoints))
            h.scanAndPump()
            try h.book.save(retention: Self.retention)
        }
        try TestFiles.append(d.log, seqLines(11...12))
        try TestFiles.move(d.log, d.log + ".1")
        try TestFiles.append(d.log, seqLines(13...14))
        let h = TailerHarness(try tailerConfig(include: include), store: loadedStore(d.checkpoints))
        h.scanAndPump()
        expectExactlyOnce(h.bodies, 11...14)
    }

    @Test func copytruncateWhileDownResumesInTheCopy() throws {
        let d = try Dirs()
        let include = [d.logs + "/app.log*"]
        try TestFiles.append(d.log, seqLines(1...10))
        do {
            let h = TailerHarness(try tailerConfig(include: include), store: loadedStore(d.checkpoints))
            h.scanAndPump()
            try h.book.save(retention: Self.retention)
        }
        try TestFiles.append(d.log, seqLines(11...12))
        try TestFiles.copy(d.log, d.log + ".1")
        try TestFiles.truncate(d.log)
        try TestFiles.append(d.log, seqLines(13...14))
        let h = TailerHarness(try tailerConfig(include: include), store: loadedStore(d.checkpoints))
        h.scanAndPump()
        expectExactlyOnce(h.bodies, 11...14)
    }
}

// MARK: - Limits

@Suite("Tailer limits")
struct TailerLimitTests {
    @Test func moreFilesThanDescriptorsAreAllRead() throws {
        let dir = try TemporaryDirectory("outrider-tail")
        for file in 0..<10 { try TestFiles.append(dir.path + "/f\(file).log", seqLines((file * 100 + 1)...(file * 100 + 5))) }
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/*.log"]) { $0.maxOpenFiles = 2 })
        h.scan()
        h.pump()  // one drain reads everything: nil only when nothing is left to read
        #expect(h.records.count == 50)
        #expect(h.maxOpenFiles <= 2)
        #expect(h.tailer.openFileCount <= 2)
        // All grow again: closed ones are reopened by path.
        for file in 0..<10 { try TestFiles.append(dir.path + "/f\(file).log", seqLine(file * 100 + 6)) }
        h.scanAndPump()
        #expect(h.maxOpenFiles <= 2)
        var expected: [Int] = []
        for file in 0..<10 { expected += (file * 100 + 1)...(file * 100 + 6) }
        #expect(h.bodies.compactMap(seqNumber).sorted() == expected)
        #expect(h.tailer.trackedFileCount == 10)
    }

    @Test func aBusyFileDoesNotStarveASmallOne() throws {
        let dir = try TemporaryDirectory("outrider-tail")
        let big = dir.path + "/big.log"
        let small = dir.path + "/small.log"
        try TestFiles.append(big, String(repeating: "big line of about forty bytes xxxxxxxxx\n", count: 25_000))  // 1 MB
        try TestFiles.append(small, seqLines(1...3))
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/*.log"]) { $0.readChunkBytes = 4096 })
        h.scan()
        var order: [String] = []
        while let batch = h.tailer.nextBatch() {
            order.append(batch.path)
            h.book.acknowledge(batch.ticket)
        }
        let lastSmall = try #require(order.lastIndex(of: small))
        #expect(lastSmall < 4, "the small file waited for \(lastSmall) batches")
        #expect(order.count > 200)
    }
}

// MARK: - Bad input

@Suite("Tailer bad input")
struct TailerBadInputTests {
    static let tenMiB = 10 * 1024 * 1024
    static let limit = 256 * 1024

    func hugeLine(_ policy: OverlongLinePolicy) throws -> (TailerHarness, TemporaryDirectory) {
        let dir = try TemporaryDirectory("outrider-tail")
        let path = dir.path + "/app.log"
        try TestFiles.append(path, [UInt8](repeating: UInt8(ascii: "x"), count: Self.tenMiB) + Array("\nafter-1\nafter-2\n".utf8))
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/*.log"]) {
            $0.framing.maxLineBytes = Self.limit
            $0.framing.overlongPolicy = policy
        })
        h.scanAndPump()
        return (h, dir)
    }

    @Test func hugeLineIsTruncated() throws {
        let (h, _) = try hugeLine(.truncate)
        #expect(h.records.count == 3)
        #expect(h.records.first?.body.count == Self.limit)
        #expect(h.bodies.suffix(2) == ["after-1", "after-2"])
        #expect(h.tailer.stats.truncatedLines == 1)
        let reader = try #require(h.batches.first?.ticket.reader)
        #expect(h.book.committed(reader: reader) == UInt64(Self.tenMiB + 17))
    }

    @Test func hugeLineIsSplit() throws {
        let (h, _) = try hugeLine(.split)
        #expect(h.records.count == 42)
        #expect(h.records.prefix(40).allSatisfy { $0.body.count == Self.limit })
        #expect(h.records.prefix(40).reduce(0) { $0 + $1.body.count } == Self.tenMiB)
        #expect(h.bodies.suffix(2) == ["after-1", "after-2"])
        #expect(h.tailer.stats.splitLines == 1)
    }

    @Test func invalidUTF8IsReplacedAndCounted() throws {
        let dir = try TemporaryDirectory("outrider-tail")
        let path = dir.path + "/app.log"
        try TestFiles.append(path, Array("ok-1\nbad \u{00E9}".utf8) + [0xFF, 0xC3] + Array(" end\nok-2\n".utf8))
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/*.log"]))
        h.scanAndPump()
        #expect(h.bodies == ["ok-1", "bad \u{00E9}\u{FFFD}\u{FFFD} end", "ok-2"])
        #expect(h.tailer.stats.invalidUTF8 == 2)
    }

    @Test func binaryGarbageDoesNotStopTheFile() throws {
        let dir = try TemporaryDirectory("outrider-tail")
        let path = dir.path + "/app.bin.log"
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var garbage: [UInt8] = []
        for _ in 0..<200_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            garbage.append(UInt8(truncatingIfNeeded: state >> 56))
        }
        garbage += [0, 0, 0, 0xFF, 0x0D]
        try TestFiles.append(path, garbage + Array("\nafter-1\nafter-2\n".utf8))
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/*.log"]) { $0.readChunkBytes = 4093 })
        h.scanAndPump()
        #expect(h.bodies.suffix(2) == ["after-1", "after-2"])
        #expect(h.tailer.stats.invalidUTF8 > 0)
        for record in h.records {
            #expect(String(validating: record.body, as: UTF8.self) != nil)
        }
        try TestFiles.append(path, "after-3\n")
        #expect(h.scanAndPump() == ["after-3"])
    }

    @Test func unreadableFileIsAProblemWhileOthersGoOn() throws {
        // We run as root: permissions cannot make a file unreadable. /proc/self/mem is a
        // regular file that cannot be read at offset 0 (EIO), for root too.
        guard FileManager.default.fileExists(atPath: "/proc/self/mem") else { return }
        let dir = try TemporaryDirectory("outrider-tail")
        let good = dir.path + "/good.log"
        let bad = dir.path + "/bad.log"
        try FileManager.default.createSymbolicLink(atPath: bad, withDestinationPath: "/proc/self/mem")
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/dangling.log", withDestinationPath: dir.path + "/nowhere")
        try FileManager.default.createDirectory(atPath: dir.path + "/dir.log", withIntermediateDirectories: false)
        try TestFiles.append(good, seqLines(1...3))
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/*.log"]))
        let first = h.scan()
        #expect(first.newProblems.map(\.path) == [bad])
        #expect(h.tailer.problems[bad]?.errno == EIO)
        #expect(h.tailer.trackedPaths == [good])  // the dangling link and the directory are not files
        h.pump()
        try TestFiles.append(good, seqLine(4))
        let second = h.scan()
        #expect(second.newProblems.isEmpty, "a problem is reported once")
        #expect(h.tailer.problems.keys.sorted() == [bad])
        h.pump()
        expectExactlyOnce(h.bodies, 1...4)
        try TestFiles.delete(bad)
        h.scan()
        #expect(h.tailer.problems.isEmpty)
    }

    @Test func fileDeletedBeforeItsFirstReadIsAProblemThenForgotten() throws {
        let dir = try TemporaryDirectory("outrider-tail")
        let good = dir.path + "/good.log"
        let gone = dir.path + "/gone.log"
        try TestFiles.append(good, seqLines(1...3))
        try TestFiles.append(gone, seqLines(100...101))
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/*.log"]))
        h.scan()
        try TestFiles.delete(gone)
        h.pump()
        #expect(h.tailer.problems[gone]?.errno == ENOENT)
        expectExactlyOnce(h.bodies, 1...3)
        h.scanAndPump()
        #expect(h.tailer.problems.isEmpty)
        #expect(h.tailer.trackedPaths == [good])
        #expect(h.tailer.stats.unreadBytesLost == seqLines(100...101).utf8.count)
    }
}

// MARK: - Multi-line, CRI, UTF-16

@Suite("Tailer formats")
struct TailerFormatTests {
    static func event(_ n: Int) -> String {
        "2024-01-0\(n) 10:00:00 ERROR event \(n)\n" + (1...3).map { "    at frame \(n).\($0)\n" }.joined()
    }

    static func joined(_ n: Int) -> String { String(event(n).dropLast()) }

    /// `^\d{4}-` starts an event; small reads so events and lines straddle chunks.
    static func multiline(include: [String], _ configure: (inout TailerConfiguration) -> Void = { _ in }) throws -> TailerConfiguration {
        let pattern = try LinePattern(#"^\d{4}-"#)
        return try tailerConfig(include: include) {
            $0.multiline = MultilineJoiner.Configuration(mode: .startPattern(pattern), timeout: .seconds(2))
            $0.readChunkBytes = 50
            configure(&$0)
        }
    }

    @Test func multilineEventsAreJoinedAcrossReads() throws {
        let dir = try TemporaryDirectory("outrider-tail")
        let path = dir.path + "/app.log"
        try TestFiles.append(path, (1...5).map(Self.event).joined())
        let h = TailerHarness(try Self.multiline(include: [dir.path + "/*.log"]))
        h.scanAndPump()
        #expect(h.bodies == (1...4).map(Self.joined))
        // Everything handed out is acknowledged; the checkpoint stays at event 5's first line.
        let reader = try #require(h.batches.first?.ticket.reader)
        let pendingStart = UInt64((1...4).map(Self.event).joined().utf8.count)
        #expect(h.book.committed(reader: reader) == pendingStart)
        h.clock.advance(.seconds(1))
        #expect(h.scanAndPump().isEmpty)
        #expect(h.book.committed(reader: reader) == pendingStart)
        // The next event's first line ends the pending one.
        try TestFiles.append(path, Self.event(6))
        #expect(h.scanAndPump() == [Self.joined(5)])
        // Quiet for the timeout: the last event goes out alone.
        h.clock.advance(.seconds(2))
        #expect(h.scanAndPump() == [Self.joined(6)])
        #expect(h.book.committed(reader: reader) == TestFiles.size(path))
    }

    @Test func pendingMultilineEventIsReadAgainWholeAfterRestart() throws {
        let temp = try TemporaryDirectory("outrider-tail")
        let logs = temp.path + "/logs"
        let checkpoints = temp.path + "/ckpt"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: checkpoints, withIntermediateDirectories: true)
        let path = logs + "/app.log"
        let configuration = try Self.multiline(include: [logs + "/*.log"])
        try TestFiles.append(path, (1...3).map(Self.event).joined() + "2024-01-04 10:00:00 ERROR event 4\n    at frame 4.1\n")
        do {
            let h = TailerHarness(configuration, store: loadedStore(checkpoints))
            h.scanAndPump()
            #expect(h.bodies == (1...3).map(Self.joined))
            try h.book.save(retention: .seconds(3600))
        }
        try TestFiles.append(path, "    at frame 4.2\n    at frame 4.3\n")
        let h = TailerHarness(configuration, store: loadedStore(checkpoints))
        h.scanAndPump()
        #expect(h.bodies.isEmpty)
        h.clock.advance(.seconds(3))
        #expect(h.scanAndPump() == [Self.joined(4)])
    }

    @Test func criPartialLinesAreReassembled() throws {
        let temp = try TemporaryDirectory("outrider-tail")
        let checkpoints = temp.path + "/ckpt"
        try FileManager.default.createDirectory(atPath: checkpoints, withIntermediateDirectories: true)
        let path = temp.path + "/pod.log"
        let configuration = try tailerConfig(include: [temp.path + "/*.log"]) { $0.format = .cri }
        let partial = "2024-01-01T00:00:00.000000000Z stdout P hello \n"
        try TestFiles.append(path, "2024-01-01T00:00:00.000000000Z stderr F first\n" + partial)
        do {
            let h = TailerHarness(configuration, store: loadedStore(checkpoints))
            h.scanAndPump()
            #expect(h.bodies == ["first"])
            #expect(h.records.first?.attributes[LogDecoder.streamAttribute] == .string("stderr"))
            // The P fragment is not delivered: the checkpoint stays before it.
            let reader = try #require(h.batches.first?.ticket.reader)
            #expect(h.book.committed(reader: reader) == TestFiles.size(path) - UInt64(partial.utf8.count))
            try h.book.save(retention: .seconds(3600))
        }
        try TestFiles.append(path, "2024-01-01T00:00:00.100000000Z stdout F world\n2024-01-01T00:00:01Z stdout F single\n")
        let h = TailerHarness(configuration, store: loadedStore(checkpoints))
        h.scanAndPump()
        #expect(h.bodies == ["hello world", "single"])
        #expect(h.records.first?.attributes[LogDecoder.streamAttribute] == .string("stdout"))
        #expect(h.records.first?.attributes[LogDecoder.filePathAttribute] == .string(path))
        let reader = try #require(h.batches.first?.ticket.reader)
        #expect(h.book.committed(reader: reader) == TestFiles.size(path))
    }

    static func utf16(_ text: String, bom: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = bom ? [0xFF, 0xFE] : []
        for unit in text.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        return bytes
    }

    @Test func utf16LittleEndianWithBOM() throws {
        let dir = try TemporaryDirectory("outrider-tail")
        let path = dir.path + "/win.log"
        try TestFiles.append(path, Self.utf16("h\u{E9}llo w\u{F6}rld\r\n\u{20AC}uro \u{1D11E} clef\n\u{010A} dotted\nlast\n", bom: true))
        for chunk in [7, 4096] {
            let h = TailerHarness(try tailerConfig(include: [dir.path + "/*.log"]) {
                $0.encoding = .utf16le
                $0.readChunkBytes = chunk
            })
            h.scanAndPump()
            #expect(h.bodies == ["h\u{E9}llo w\u{F6}rld", "\u{20AC}uro \u{1D11E} clef", "\u{010A} dotted", "last"], "chunk \(chunk)")
            #expect(h.tailer.stats.invalidUTF8 == 0)
            let reader = try #require(h.batches.first?.ticket.reader)
            #expect(h.book.committed(reader: reader) == TestFiles.size(path))
        }
    }

    @Test func utf16PartialLineFlushMovesTheCheckpointToTheEnd() throws {
        let dir = try TemporaryDirectory("outrider-tail")
        let path = dir.path + "/win.log"
        try TestFiles.append(path, Self.utf16("one\ntwo \u{1D11E} no newline", bom: true))
        let h = TailerHarness(try tailerConfig(include: [dir.path + "/*.log"]) {
            $0.encoding = .utf16le
            $0.readChunkBytes = 5
        })
        h.scanAndPump()
        let reader = try #require(h.batches.first?.ticket.reader)
        #expect(h.book.committed(reader: reader) == UInt64(Self.utf16("one\n", bom: true).count))
        h.clock.advance(.seconds(2))
        h.pump()
        #expect(h.bodies == ["one", "two \u{1D11E} no newline"])
        #expect(h.book.committed(reader: reader) == TestFiles.size(path))
    }

    @Test func utf16RestartNeverResumesMidLine() throws {
        let temp = try TemporaryDirectory("outrider-tail")
        let checkpoints = temp.path + "/ckpt"
        try FileManager.default.createDirectory(atPath: checkpoints, withIntermediateDirectories: true)
        let path = temp.path + "/win.log"
        let lines = (1...20).map { "line \($0) \u{FC}ber \u{1D11E}" }
        try TestFiles.append(path, Self.utf16(lines.map { $0 + "\n" }.joined(), bom: true))
        let configuration = try tailerConfig(include: [temp.path + "/*.log"]) {
            $0.encoding = .utf16le
            $0.readChunkBytes = 37
        }
        var first: [String] = []
        do {
            let h = TailerHarness(configuration, store: loadedStore(checkpoints))
            h.scan()
            for _ in 0..<9 {
                let batch = try #require(h.tailer.nextBatch())
                first += batch.records.map { String(decoding: $0.body, as: UTF8.self) }
                h.book.acknowledge(batch.ticket)
            }
            try h.book.save(retention: .seconds(3600))
        }
        let h = TailerHarness(configuration, store: loadedStore(checkpoints))
        h.scanAndPump()
        #expect(Set(h.bodies).isSubset(of: Set(lines)), "fragments after restart: \(h.bodies.filter { !lines.contains($0) })")
        #expect(Set(first + h.bodies) == Set(lines))
        #expect(h.bodies.last == lines.last)
    }
}

// MARK: - DirectoryWatcher

@Suite("DirectoryWatcher")
struct DirectoryWatcherTests {
    @Test func writesNameTheFileAndCreationsAskForAScan() throws {
        let dir = try TemporaryDirectory("outrider-watch")
        let path = dir.path + "/app.log"
        try TestFiles.append(path, "x\n")
        let watcher = try #require(DirectoryWatcher())
        #expect(watcher.watch([dir.path, dir.path + "/missing"]).map(\.errno) == [ENOENT])
        #expect(watcher.watchedCount == 1)
        #expect(watcher.drain().isEmpty)
        try TestFiles.append(path, "y\n")
        #expect(DirectoryWatcher.waitForEvents(on: watcher.descriptor, timeout: .seconds(1)))
        let written = watcher.drain()
        #expect(written.written == [path])
        #expect(!written.rescan)
        try TestFiles.append(dir.path + "/new.log", "z\n")  // created, then written
        #expect(watcher.drain().rescan)
        try TestFiles.move(path, path + ".1")
        #expect(watcher.drain().rescan)
        #expect(!DirectoryWatcher.waitForEvents(on: watcher.descriptor, timeout: .zero))
    }

    @Test func aDirectoryDeletedAndCreatedAgainIsWatchedAgain() throws {
        let temp = try TemporaryDirectory("outrider-watch")
        let dir = temp.path + "/logs"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
        let watcher = try #require(DirectoryWatcher())
        watcher.watch([dir])
        try FileManager.default.removeItem(atPath: dir)
        #expect(watcher.drain().rescan)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
        #expect(watcher.watch([dir]).isEmpty)  // the source re-watches after every scan
        try TestFiles.append(dir + "/app.log", "x\n")
        _ = watcher.drain()
        try TestFiles.append(dir + "/app.log", "y\n")
        #expect(watcher.drain().written == [dir + "/app.log"])
    }
}
