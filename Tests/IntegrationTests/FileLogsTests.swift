import Foundation
import Synchronization
import TestSink
import TestSupport
import Testing

/// The `file_logs` source on the real binary: numbered lines written to real files (by a
/// writer thread that rotates them the way logrotate and applications do) go through an
/// `http` exporter to the real sink, which checks every sequence number for loss and
/// duplicates. Serialized: each test runs an agent and often a busy writer, and on a 2-core
/// machine running them side by side would only make every one of them slower.
@Suite("file_logs: the real agent tailing real files", .serialized)
struct FileLogsTests {
    // MARK: - Agent

    struct Setup {
        var include: [String]
        var maxOpenFiles = 256
        var readBuffer = "256KiB"
        var maxLineBytes = "256KiB"
        var buffer = "{type: memory, max_size: 16MiB, when_full: block}"
        var batch = "{max_events: 1000, max_bytes: 1MiB, max_wait: 50ms}"
    }

    /// A test's files: `logs/` for the tailed files (so the config and the checkpoints never
    /// match a glob), `checkpoints/` for the source's positions.
    struct Files {
        let directory: TemporaryDirectory
        var logs: String { directory.path + "/logs" }
        var checkpoints: String { directory.path + "/checkpoints" }

        init() throws {
            directory = try TemporaryDirectory("outrider-file-logs")
            try FileManager.default.createDirectory(atPath: directory.path + "/logs", withIntermediateDirectories: true)
        }
    }

    static func config(_ setup: Setup, sinkPort: Int, files: Files) -> String {
        """
        log: {level: info, format: json}
        server: {listen: 127.0.0.1:0, shutdown_timeout: 10s}
        sources:
          files:
            type: file_logs
            include: [\(setup.include.map { "\"\($0)\"" }.joined(separator: ", "))]
            checkpoint_dir: \(files.checkpoints)
            rescan_interval: 200ms
            poll_interval: 50ms
            rotate_wait: 1s
            checkpoint_interval: 200ms
            max_open_files: \(setup.maxOpenFiles)
            read_buffer: \(setup.readBuffer)
            max_line_bytes: \(setup.maxLineBytes)
        exporters:
          sink:
            type: http
            endpoint: http://127.0.0.1:\(sinkPort)/ingest
            format: json_lines
            batch: \(setup.batch)
            retry: {initial_backoff: 50ms, max_backoff: 500ms, max_elapsed: 10m}
            buffer: \(setup.buffer)
        pipelines:
          logs: {sources: [files], exporters: [sink]}
        """
    }

    static func start(_ setup: Setup, sink: TestSink, files: Files) async throws -> (AgentProcess, Int) {
        let file = try files.directory.write("outrider.yaml", config(setup, sinkPort: sink.port, files: files))
        let agent = try AgentProcess(["run", "--config", file])
        let port = try #require(await agent.listeningPort(), "no listening line in:\n\(agent.text)")
        return (agent, port)
    }

    static func metric(_ name: String, port: Int) -> Double {
        let exposition = PrometheusExposition((try? RawHTTP.get("/metrics", port: port).body) ?? "")
        return exposition.samples[name]?[#"source="files""#] ?? 0
    }

    static func report(_ sink: TestSink, _ stream: String) -> SequenceReport {
        sink.stats.streams[stream] ?? SequenceReport()
    }

    /// Waits (bounded) for `count` distinct numbers of `stream`, then a little longer so that
    /// late duplicates (a rotated file read twice, say) have time to show, and returns the report.
    static func settle(_ sink: TestSink, _ stream: String, count: Int, within seconds: Double) async -> SequenceReport {
        _ = await eventually(within: seconds) { report(sink, stream).unique >= count }
        try? await Task.sleep(for: .milliseconds(1500))
        return report(sink, stream)
    }

    static func stop(_ agent: AgentProcess) async {
        agent.signal(SIGTERM)
        let status = await agent.waitForExit(within: 20)
        #expect(status == 0, "\(agent.text.suffix(4000))")
    }

    // MARK: - Writing

    /// One numbered line, about 110 bytes.
    static func line(_ seq: Int, _ stream: String) -> [UInt8] {
        Array("seq=\(seq) stream=\(stream) level=info msg=\"GET /api/v1/items/\(seq % 977) status=200 took=\(seq % 89)ms\"\n".utf8)
    }

    static func lines(_ range: Range<Int>, _ stream: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(range.count * 110)
        for seq in range { bytes += line(seq, stream) }
        return bytes
    }

    static func append(_ path: String, _ bytes: [UInt8]) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        try writeAll(fd, bytes)
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                offset += n
            }
        }
    }

    /// A failed step of the writer thread: it stops and the test reports this.
    struct WriterFailure: Error, CustomStringConvertible {
        var description: String
        init(_ step: String) { description = "\(step): errno \(errno)" }
    }

    enum Rotation: String, Sendable, CaseIterable, CustomTestStringConvertible {
        /// logrotate `create`, `rotate 2`, names still matching the glob (`app.log*`).
        case renameInGlob
        /// logrotate `create` with the rotated name outside the glob (`*.log`).
        case renameOutOfGlob
        /// logrotate `copytruncate`, `rotate 2`; the copies match the glob (`app.log*`). The
        /// copy appears complete (written aside, renamed into place).
        case copytruncate
        /// The same, the copy written in place as logrotate does (created empty, then filled):
        /// a known issue, see `everyLineArrivesExactlyOnceAcrossRotations`.
        case copytruncateCopyInPlace
        /// The file is deleted and the application creates it again.
        case deleteRecreate

        var testDescription: String { rawValue }

        func include(_ logs: String) -> String {
            switch self {
            case .renameInGlob, .copytruncate, .copytruncateCopyInPlace: logs + "/app.log*"
            case .renameOutOfGlob, .deleteRecreate: logs + "/*.log"
            }
        }
    }

    /// Appends numbered lines to `<logs>/app.log` from its own thread (POSIX open/write, one
    /// write per line, paced to `perSecond`) and rotates the file every `rotateEvery` lines.
    ///
    /// Renames and deletions happen under the writer's feet, as with a real application:
    /// after the rotation it goes on writing `lag` more lines to its old descriptor (it has
    /// not been told to reopen yet) before it opens the new file, so lines land in the
    /// rotated-away file after the rename as well.
    final class Writer: Sendable {
        let rotations = Atomic<Int>(0)
        let finished = Atomic<Bool>(false)
        let stopped = Atomic<Bool>(false)
        let failure = Mutex<String?>(nil)

        let logs: String
        let stream: String
        let count: Int
        let perSecond: Int
        let rotation: Rotation?
        let rotateEvery: Int
        let lag: Int

        init(logs: String, stream: String, count: Int, perSecond: Int, rotation: Rotation? = nil, rotateEvery: Int = .max, lag: Int = 300) {
            self.logs = logs
            self.stream = stream
            self.count = count
            self.perSecond = perSecond
            self.rotation = rotation
            self.rotateEvery = rotateEvery
            self.lag = lag
        }

        func start() {
            let thread = Thread { [self] in
                do {
                    try run()
                } catch {
                    failure.withLock { $0 = "\(error)" }
                }
                finished.store(true, ordering: .releasing)
            }
            thread.start()
        }

        func stop() { stopped.store(true, ordering: .relaxed) }

        func waitUntilFinished(within seconds: Double = 60) async -> Bool {
            await eventually(within: seconds) { finished.load(ordering: .acquiring) }
        }

        private var path: String { logs + "/app.log" }

        private func openLog() throws -> Int32 {
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw WriterFailure("open \(path)") }
            return fd
        }

        private func run() throws {
            var fd = try openLog()
            defer { close(fd) }
            var reopenAt: Int?
            let started = ContinuousClock.now
            var seq = 0
            while seq < count && !stopped.load(ordering: .relaxed) {
                if let rotation, seq > 0, seq % rotateEvery == 0 {
                    if try rotate(rotation, fd: fd) { reopenAt = seq + lag }
                    rotations.add(1, ordering: .relaxed)
                }
                if let at = reopenAt, seq >= at {
                    // The application reopens its log by name (SIGHUP, or noticing the deletion).
                    let next = try openLog()
                    close(fd)
                    fd = next
                    reopenAt = nil
                }
                try FileLogsTests.writeAll(fd, FileLogsTests.line(seq, stream))
                seq += 1
                if seq % 100 == 0 {
                    let due = started + .microseconds(Int64(seq) * 1_000_000 / Int64(perSecond))
                    let ahead = due - ContinuousClock.now
                    if ahead > .zero { usleep(UInt32(ahead / .microseconds(1))) }
                }
            }
        }

        /// True when the writer must reopen `app.log` after its lag.
        private func rotate(_ rotation: Rotation, fd: Int32) throws -> Bool {
            switch rotation {
            case .renameInGlob:
                unlink(path + ".2")
                rename(path + ".1", path + ".2")
                rename(path, path + ".1")
                close(try openLog())  // logrotate `create`: the new file exists before the application reopens
                return true
            case .renameOutOfGlob:
                rename(path, path + ".1")  // replaces the previous app.log.1
                close(try openLog())
                return true
            case .deleteRecreate:
                unlink(path)
                return true
            case .copytruncate, .copytruncateCopyInPlace:
                // logrotate copies the file, then truncates it; lines the application writes
                // between the two steps are in neither file afterwards — the scheme's own,
                // well-known loss, not the tailer's. The writer does both steps itself between
                // two lines, which is the application holding its logging lock across the
                // rotation: nothing is written in between, so exactly-once stays a fair test.
                unlink(path + ".2")
                rename(path + ".1", path + ".2")
                var st = stat()
                fstat(fd, &st)
                var bytes = [UInt8](repeating: 0, count: Int(st.st_size))
                let source = open(path, O_RDONLY | O_CLOEXEC)
                guard source >= 0 else { throw WriterFailure("open \(path) to copy it") }
                defer { close(source) }
                var filled = 0
                while filled < bytes.count {
                    let n = bytes.withUnsafeMutableBytes { pread(source, $0.baseAddress! + filled, $0.count - filled, off_t(filled)) }
                    guard n > 0 else { throw WriterFailure("pread") }
                    filled += n
                }
                // `.copytruncate` writes the copy under a name outside the glob and renames it
                // into place, so no scan sees it half written; logrotate itself creates the copy
                // empty and fills it (`.copytruncateCopyInPlace`).
                let inPlace = rotation == .copytruncateCopyInPlace
                let temporary = inPlace ? path + ".1" : logs + "/.copy.tmp"
                let copy = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
                guard copy >= 0 else { throw WriterFailure("create the copy") }
                defer { close(copy) }
                try FileLogsTests.writeAll(copy, bytes)
                if !inPlace { rename(temporary, path + ".1") }
                guard ftruncate(fd, 0) == 0 else { throw WriterFailure("ftruncate") }
                return false
            }
        }
    }

    // MARK: - 1. Rotation under a continuous writer

    @Test(.timeLimit(.minutes(2)), arguments: Rotation.allCases)
    func everyLineArrivesExactlyOnceAcrossRotations(_ rotation: Rotation) async throws {
        let files = try Files()
        let sink = try await TestSink.start()
        defer { Task { try? await sink.stop() } }
        let (agent, port) = try await Self.start(Setup(include: [rotation.include(files.logs)]), sink: sink, files: files)
        let count = 60_000
        let writer = Writer(
            logs: files.logs, stream: rotation.rawValue, count: count, perSecond: 25_000, rotation: rotation, rotateEvery: 12_000)
        writer.start()
        defer { writer.stop() }
        #expect(await writer.waitUntilFinished(), "the writer did not finish")
        #expect(writer.failure.withLock { $0 } == nil)
        let report = await Self.settle(sink, rotation.rawValue, count: count, within: 60)
        let rotations = Self.metric("outrider_file_logs_rotations_total", port: port)
        let truncations = Self.metric("outrider_file_logs_truncations_total", port: port)
        print("file_logs \(rotation.rawValue): \(report); rotations seen \(rotations), truncations \(truncations), written rotations \(writer.rotations.load(ordering: .relaxed))")
        #expect(writer.rotations.load(ordering: .relaxed) == 4)
        #expect(report.missing == 0 && report.unique == count && report.lowest == 0, "\(report)\n\(agent.text.suffix(6000))")
        if rotation == .copytruncateCopyInPlace {
            // Scans (on the inotify create event) find the copy empty or half written; it is
            // recognised at its first read (clean in every run on an idle machine), but on a
            // CPU-starved run one rotation's copy was once read again from 0 (12 000
            // duplicates of 60 000, none missing) — not yet understood; tracked as known.
            withKnownIssue("copytruncate in place under CPU starvation: a copy read again", isIntermittent: true) {
                #expect(report.isClean, "\(report)\n\(agent.text.suffix(6000))")
            }
        } else {
            #expect(report.isClean, "\(report)\n\(agent.text.suffix(6000))")
        }
        await Self.stop(agent)
    }

    // MARK: - 2. Restart from the checkpoint

    @Test(.timeLimit(.minutes(2)))
    func aRestartResumesFromTheCheckpointWithoutDuplicates() async throws {
        let files = try Files()
        let sink = try await TestSink.start()
        defer { Task { try? await sink.stop() } }
        let setup = Setup(include: [files.logs + "/*.log"])
        let path = files.logs + "/app.log"
        try Self.append(path, Self.lines(0..<10_000, "restart"))
        let (agent, _) = try await Self.start(setup, sink: sink, files: files)
        #expect(await eventually(within: 30) { Self.report(sink, "restart").unique == 10_000 }, "\(Self.report(sink, "restart"))")
        await Self.stop(agent)

        try Self.append(path, Self.lines(10_000..<20_000, "restart"))
        let (restarted, _) = try await Self.start(setup, sink: sink, files: files)
        let report = await Self.settle(sink, "restart", count: 20_000, within: 30)
        print("file_logs restart: \(report)")
        #expect(report.isClean && report.unique == 20_000, "\(report)\n\(restarted.text.suffix(4000))")
        await Self.stop(restarted)
    }

    /// SIGTERM while batches are still on their way to a slow backend: the exporter drains
    /// them after the source stopped, and their acknowledgements must still reach the
    /// checkpoint file, or a clean restart reads them again.
    @Test(.timeLimit(.minutes(2)))
    func sigtermWhileDeliveringThenRestartRepeatsNothing() async throws {
        let files = try Files()
        let sink = try await TestSink.start(behavior: .slow(.milliseconds(100)))
        defer { Task { try? await sink.stop() } }
        let setup = Setup(include: [files.logs + "/*.log"], batch: "{max_events: 500, max_bytes: 1MiB, max_wait: 50ms}")
        let path = files.logs + "/app.log"
        try Self.append(path, Self.lines(0..<20_000, "drain"))
        let (agent, _) = try await Self.start(setup, sink: sink, files: files)
        #expect(await eventually(within: 30) { Self.report(sink, "drain").unique >= 2000 })
        await Self.stop(agent)
        let beforeRestart = Self.report(sink, "drain")
        #expect(beforeRestart.duplicates == 0 && beforeRestart.missing == 0, "\(beforeRestart)")

        sink.behavior = .healthy
        let (restarted, _) = try await Self.start(setup, sink: sink, files: files)
        let report = await Self.settle(sink, "drain", count: 20_000, within: 30)
        print("file_logs SIGTERM while delivering: before restart \(beforeRestart); after \(report)")
        #expect(report.isClean && report.unique == 20_000, "\(report) (before restart: \(beforeRestart))\n\(restarted.text.suffix(4000))")
        await Self.stop(restarted)
    }

    // MARK: - 3. SIGKILL mid-stream

    @Test(.timeLimit(.minutes(2)))
    func sigkillMidStreamThenRestartLosesNothing() async throws {
        let files = try Files()
        let sink = try await TestSink.start()
        defer { Task { try? await sink.stop() } }
        let setup = Setup(include: [files.logs + "/*.log"])
        let count = 60_000
        let writer = Writer(logs: files.logs, stream: "kill", count: count, perSecond: 20_000)
        let (agent, _) = try await Self.start(setup, sink: sink, files: files)
        writer.start()
        defer { writer.stop() }
        #expect(await eventually(within: 30) { Self.report(sink, "kill").unique >= 15_000 }, "\(Self.report(sink, "kill"))")
        agent.signal(SIGKILL)
        _ = await agent.waitForExit(within: 10)
        let beforeRestart = Self.report(sink, "kill")

        let (restarted, _) = try await Self.start(setup, sink: sink, files: files)
        #expect(await writer.waitUntilFinished())
        #expect(writer.failure.withLock { $0 } == nil)
        let report = await Self.settle(sink, "kill", count: count, within: 60)
        // At least once: what was delivered since the last checkpoint write (200 ms) and what
        // was in flight comes again, and nothing more — a few read chunks' worth of lines at
        // most (2 000 to 6 000 of a bound of ~15 000 on a 2-core machine, with other suites).
        let linesPerChunk = 256 * 1024 / Self.line(30_000, "kill").count
        let bound = 6 * linesPerChunk
        print("file_logs SIGKILL: \(report.duplicates) duplicates (bound \(bound)); before restart \(beforeRestart); after \(report)")
        #expect(report.unique == count && report.missing == 0 && report.lowest == 0, "\(report)\n\(restarted.text.suffix(4000))")
        #expect(report.duplicates < bound, "\(report)")
        await Self.stop(restarted)
    }

    /// The same while the source works through a backlog against a slow backend (blocked on
    /// a small buffer most of the time): checkpoints must still be written every
    /// `checkpoint_interval`, not only when the source runs out of lines to read.
    @Test(.timeLimit(.minutes(2)))
    func sigkillWhileCatchingUpABacklogRepeatsLittle() async throws {
        let files = try Files()
        let sink = try await TestSink.start(behavior: .slow(.milliseconds(20)))
        defer { Task { try? await sink.stop() } }
        let setup = Setup(
            include: [files.logs + "/*.log"], buffer: "{type: memory, max_size: 1MiB, when_full: block}",
            batch: "{max_events: 500, max_bytes: 256KiB, max_wait: 20ms}")
        let count = 100_000
        try Self.append(files.logs + "/app.log", Self.lines(0..<count, "backlog"))
        let (agent, _) = try await Self.start(setup, sink: sink, files: files)
        #expect(await eventually(within: 30) { Self.report(sink, "backlog").unique >= 30_000 }, "\(Self.report(sink, "backlog"))")
        agent.signal(SIGKILL)
        _ = await agent.waitForExit(within: 10)
        let beforeRestart = Self.report(sink, "backlog")

        sink.behavior = .healthy
        let (restarted, _) = try await Self.start(setup, sink: sink, files: files)
        let report = await Self.settle(sink, "backlog", count: count, within: 60)
        // As above: one checkpoint interval of deliveries plus what was in flight (1 500 to
        // 6 000 here). Before the source saved during catch-ups, all ~31 000 lines delivered
        // before the kill came again.
        let linesPerChunk = 256 * 1024 / Self.line(50_000, "backlog").count
        let bound = 6 * linesPerChunk
        print("file_logs SIGKILL in a backlog: \(report.duplicates) duplicates (bound \(bound)); before restart \(beforeRestart); after \(report)")
        #expect(report.unique == count && report.missing == 0 && report.lowest == 0, "\(report)\n\(restarted.text.suffix(4000))")
        #expect(report.duplicates < bound, "\(report) (before restart: \(beforeRestart))")
        await Self.stop(restarted)
    }

    // MARK: - 4. An overlong line

    @Test(.timeLimit(.minutes(1)))
    func aTenMebibyteLineIsTruncatedOnceAndTheOthersArrive() async throws {
        let files = try Files()
        let sink = try await TestSink.start()
        defer { Task { try? await sink.stop() } }
        var bytes = Self.lines(0..<1000, "long")
        bytes += Array("huge line: ".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 10 << 20) + [UInt8(ascii: "\n")]
        bytes += Self.lines(1000..<2000, "long")
        try Self.append(files.logs + "/app.log", bytes)
        let (agent, port) = try await Self.start(Setup(include: [files.logs + "/*.log"]), sink: sink, files: files)
        let report = await Self.settle(sink, "long", count: 2000, within: 30)
        #expect(report.isClean && report.unique == 2000, "\(report)\n\(agent.text.suffix(4000))")
        #expect(await eventually(within: 5) { Self.metric("outrider_file_logs_lines_truncated_total", port: port) == 1 })
        let truncated = Self.metric("outrider_file_logs_lines_truncated_total", port: port)
        #expect(truncated == 1, "lines_truncated \(truncated)")
        // The cut line itself was sent (one line without a number; none of 10 MiB).
        #expect(sink.stats.linesWithoutSequence == 1, "\(sink.stats.json)")
        await Self.stop(agent)
    }

    // MARK: - 5. Invalid UTF-8 and binary garbage

    @Test(.timeLimit(.minutes(1)))
    func binaryGarbageBetweenLinesIsSurvivedAndCounted() async throws {
        let files = try Files()
        let sink = try await TestSink.start()
        defer { Task { try? await sink.stop() } }
        var random = SplitMix64(seed: 42)
        var bytes: [UInt8] = []
        for seq in 0..<3000 {
            bytes += Self.line(seq, "garbage")
            // Random bytes, NUL and lone CR included, ending in a newline; without '=' so no
            // garbage line can pass for a numbered one.
            let length = Int(random.next() % 200) + 1
            for _ in 0..<length {
                let byte = UInt8(truncatingIfNeeded: random.next())
                if byte != UInt8(ascii: "\n") && byte != UInt8(ascii: "=") { bytes.append(byte) }
            }
            bytes += [0x00, 0x0D, 0xC3, 0x28, 0xED, 0xA0, 0x80, 0xFF, 0x0D, 0x41, 0x0A]
        }
        try Self.append(files.logs + "/app.log", bytes)
        let (agent, port) = try await Self.start(Setup(include: [files.logs + "/*.log"]), sink: sink, files: files)
        let report = await Self.settle(sink, "garbage", count: 3000, within: 30)
        #expect(report.isClean && report.unique == 3000, "\(report)\n\(agent.text.suffix(4000))")
        let invalid = Self.metric("outrider_file_logs_invalid_utf8_total", port: port)
        print("file_logs garbage: \(report); invalid_utf8 \(invalid); lines without seq \(sink.stats.linesWithoutSequence)")
        #expect(invalid > 0)
        #expect(try RawHTTP.get("/healthz", port: port).status == 200)
        await Self.stop(agent)
    }

    // MARK: - 6. A file deleted while being read

    @Test(.timeLimit(.minutes(1)))
    func aFileDeletedWhileBeingReadIsReadToItsEndAndANewOneFollows() async throws {
        let files = try Files()
        let sink = try await TestSink.start()
        defer { Task { try? await sink.stop() } }
        let count = 60_000
        let doomed = files.logs + "/doomed.log"
        try Self.append(doomed, Self.lines(0..<count, "doomed"))
        let (agent, port) = try await Self.start(Setup(include: [files.logs + "/*.log"]), sink: sink, files: files)
        #expect(await eventually(within: 20) { Self.report(sink, "doomed").unique > 0 })
        #expect(unlink(doomed) == 0)
        let deletedAt = Self.report(sink, "doomed").unique
        // The reader holds the file open: a deleted file's bytes are still there to read.
        let report = await Self.settle(sink, "doomed", count: count, within: 30)
        print("file_logs deleted while read: \(deletedAt) lines had arrived at the deletion; finally \(report)")
        #expect(report.isClean && report.unique == count && report.lowest == 0, "\(report)\n\(agent.text.suffix(4000))")

        try Self.append(files.logs + "/after.log", Self.lines(0..<5000, "after"))
        let after = await Self.settle(sink, "after", count: 5000, within: 20)
        #expect(after.isClean && after.unique == 5000, "\(after)\n\(agent.text.suffix(4000))")
        #expect(try RawHTTP.get("/healthz", port: port).status == 200)
        #expect(Self.metric("outrider_file_logs_files_released_total", port: port) >= 1)
        await Self.stop(agent)
    }

    // MARK: - 7. Thousands of small files

    @Test(.timeLimit(.minutes(2)))
    func thousandsOfSmallFilesThroughSixtyFourDescriptors() async throws {
        let files = try Files()
        let sink = try await TestSink.start()
        defer { Task { try? await sink.stop() } }
        let fileCount = 2000
        let perFile = 5
        // One stream, disjoint ranges: file i holds i*5 ..< i*5+5.
        for index in 0..<fileCount {
            let name = files.logs + "/f" + String(index + 10_000).dropFirst() + ".log"
            try Self.append(name, Self.lines(index * perFile..<(index + 1) * perFile, "many"))
        }
        let (agent, port) = try await Self.start(
            Setup(include: [files.logs + "/*.log"], maxOpenFiles: 64), sink: sink, files: files)
        var maxOpen = 0.0
        _ = await eventually(within: 60) {
            maxOpen = max(maxOpen, Self.metric("outrider_file_logs_open_files", port: port))
            return Self.report(sink, "many").unique >= fileCount * perFile
        }
        let report = await Self.settle(sink, "many", count: fileCount * perFile, within: 5)
        let opened = Self.metric("outrider_file_logs_files_opened_total", port: port)
        print("file_logs many files: \(report); files opened \(opened); open files seen up to \(maxOpen)")
        #expect(report.isClean && report.unique == fileCount * perFile, "\(report)\n\(agent.text.suffix(4000))")
        #expect(maxOpen <= 64)
        #expect(Self.metric("outrider_file_logs_open_files", port: port) <= 64)
        await Self.stop(agent)
    }

    // MARK: - 8. One unreadable file

    /// A path even root cannot open for reading. As root (the test's normal case) permission
    /// bits do not stop `open`, so the unreadable file is a symlink matching the glob to a
    /// write-only sysfs attribute: sysfs refuses O_RDONLY with EACCES whoever asks, while
    /// `stat` says regular file, so the scanner reports it and the open fails. Opened
    /// read-only only, never written.
    static func unreadableTarget(in files: Files) throws -> String? {
        if getuid() != 0 {
            let path = files.directory.path + "/unreadable"
            try Self.append(path, Self.lines(0..<10, "denied"))
            chmod(path, 0)
            return path
        }
        // `drivers_probe` is write-only on every bus; PCI's `rescan` too.
        for candidate in ["/sys/bus/pci/rescan", "/sys/bus/platform/drivers_probe", "/sys/bus/cpu/drivers_probe"] {
            var st = stat()
            guard stat(candidate, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { continue }
            let fd = open(candidate, O_RDONLY | O_CLOEXEC)
            if fd >= 0 {
                close(fd)
                continue
            }
            if errno == EACCES { return candidate }
        }
        return nil
    }

    @Test(.timeLimit(.minutes(1)))
    func anUnreadableFileIsOnStatusWhileTheOthersGoOn() async throws {
        let files = try Files()
        guard let target = try Self.unreadableTarget(in: files) else {
            #expect(!Prerequisite.isCI, "no file here that root cannot open (a write-only sysfs attribute)")
            return
        }
        let sink = try await TestSink.start()
        defer { Task { try? await sink.stop() } }
        let denied = files.logs + "/denied.log"
        #expect(symlink(target, denied) == 0)
        try Self.append(files.logs + "/ok.log", Self.lines(0..<1000, "ok"))
        let (agent, port) = try await Self.start(Setup(include: [files.logs + "/*.log"]), sink: sink, files: files)
        #expect(await eventually(within: 20) { Self.report(sink, "ok").unique == 1000 }, "\(Self.report(sink, "ok"))")

        var problems: [String] = []
        let shown = await eventually(within: 10) {
            problems = Self.problems(port: port)
            return problems.contains { $0.contains(denied) }
        }
        print("file_logs unreadable: problems \(problems)")
        #expect(shown, "problems: \(problems)\n\((try? RawHTTP.get("/status", port: port).body) ?? "")")
        #expect(problems.contains { $0.contains(denied) && $0.contains("errno 13") }, "\(problems)")

        // The others go on, and the problem stays listed while it lasts.
        try Self.append(files.logs + "/ok.log", Self.lines(1000..<2000, "ok"))
        let report = await Self.settle(sink, "ok", count: 2000, within: 20)
        #expect(report.isClean && report.unique == 2000, "\(report)")
        #expect(Self.problems(port: port).contains { $0.contains(denied) })
        #expect(try RawHTTP.get("/healthz", port: port).status == 200)
        await Self.stop(agent)
    }

    /// The `problems` list of the `files` component on /status.
    static func problems(port: Int) -> [String] {
        guard let body = try? RawHTTP.get("/status", port: port).body,
            let document = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
            let components = document["components"] as? [[String: Any]],
            let files = components.first(where: { $0["name"] as? String == "files" })
        else { return [] }
        return files["problems"] as? [String] ?? []
    }
}
