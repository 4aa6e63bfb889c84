import Foundation
import TestSink
import TestSupport
import Testing

/// The delivery guarantees of ARCHITECTURE.md, proven on the real binary: numbered demo
/// lines go through an `http` exporter to a real sink on 127.0.0.1 that checks every
/// sequence number for loss and duplicates, while the sink fails on command.
@Suite("Pipeline guarantees: the real agent against a failing sink")
struct PipelineGuaranteeTests {
    struct Setup {
        var count: Int
        var rate = 0
        var buffer = "{type: memory, max_size: 1MiB, when_full: block}"
        var batch = "{max_events: 500, max_bytes: 256KiB, max_wait: 50ms}"
        var retry = "{initial_backoff: 50ms, max_backoff: 500ms, max_elapsed: 10m}"
        var bodyBytes = 0
        var shutdownTimeout = "10s"
    }

    static func config(_ setup: Setup, sinkPort: Int, directory: TemporaryDirectory) -> String {
        """
        log: {level: info, format: json}
        server: {listen: 127.0.0.1:0, shutdown_timeout: \(setup.shutdownTimeout)}
        sources:
          demo:
            type: demo_logs
            rate: \(setup.rate)
            count: \(setup.count)
            batch_size: 100
            body_bytes: \(setup.bodyBytes)
            checkpoint_dir: \(directory.path)
        exporters:
          sink:
            type: http
            endpoint: http://127.0.0.1:\(sinkPort)/ingest
            batch: \(setup.batch)
            retry: \(setup.retry)
            buffer: \(setup.buffer)
        pipelines:
          logs: {sources: [demo], exporters: [sink]}
        """
    }

    static func start(_ setup: Setup, sink: TestSink, directory: TemporaryDirectory) async throws -> (AgentProcess, Int) {
        let file = try directory.write("outrider.yaml", config(setup, sinkPort: sink.port, directory: directory))
        let agent = try AgentProcess(["run", "--config", file])
        let port = try #require(await agent.listeningPort(), "no listening line in:\n\(agent.text)")
        return (agent, port)
    }

    static func metrics(_ port: Int) -> PrometheusExposition {
        PrometheusExposition((try? RawHTTP.get("/metrics", port: port).body) ?? "")
    }

    static func value(_ exposition: PrometheusExposition, _ name: String, _ labels: String = #"exporter="sink""#) -> Double {
        exposition.samples[name]?[labels] ?? 0
    }

    @Test(.timeLimit(.minutes(3)))
    func backendDownFor30sThenBackLosesNothingAndMemoryStaysUnderTheCap() async throws {
        let directory = try TemporaryDirectory()
        let sink = try await TestSink.start()
        defer { Task { try? await sink.stop() } }
        let setup = Setup(count: 20_000, rate: 1000, buffer: "{type: memory, max_size: 256KiB, when_full: block}")
        try await sink.goDown()
        let (agent, port) = try await Self.start(setup, sink: sink, directory: directory)
        let rssBefore = try residentBytes(agent.pid)
        var maxBuffered = 0.0
        var capacity = 0.0
        let downUntil = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < downUntil {
            let exposition = Self.metrics(port)
            maxBuffered = max(maxBuffered, Self.value(exposition, "outrider_buffer_bytes"))
            capacity = Self.value(exposition, "outrider_buffer_capacity_bytes")
            try await Task.sleep(for: .milliseconds(250))
        }
        let rssDown = try residentBytes(agent.pid)
        try await sink.comeBack()
        #expect(capacity == 262_144)
        // One source batch may go over the cap when the buffer is empty; never more.
        #expect(maxBuffered > 0 && maxBuffered <= capacity + 64 * 1024, "buffered \(maxBuffered) of \(capacity)")
        #expect(rssDown - rssBefore < 262_144 + 8 << 20, "RSS grew \(rssDown - rssBefore) bytes while the backend was down")
        #expect(await eventually(within: 90) { sink.stats.sequence.unique == setup.count }, "\(sink.stats.sequence)")
        #expect(sink.stats.sequence.missing == 0)
        #expect(Self.value(Self.metrics(port), "outrider_buffer_dropped_total", #"exporter="sink",reason="buffer_full""#) == 0)
        agent.signal(SIGTERM)
        #expect(await agent.waitForExit(within: 20) == 0, "\(agent.text)")
    }

    @Test(.timeLimit(.minutes(2)))
    func dropNewestCountsExactlyWhatIsLost() async throws {
        let directory = try TemporaryDirectory()
        let sink = try await TestSink.start()
        defer { Task { try? await sink.stop() } }
        let setup = Setup(
            count: 10_000, rate: 2000, buffer: "{type: memory, max_size: 64KiB, when_full: drop_newest}",
            batch: "{max_events: 200, max_bytes: 32KiB, max_wait: 50ms}")
        try await sink.goDown(for: .seconds(3))
        let (agent, port) = try await Self.start(setup, sink: sink, directory: directory)
        var dropped = 0.0
        let settled = await eventually(within: 60) {
            dropped = Self.value(Self.metrics(port), "outrider_buffer_dropped_total", #"exporter="sink",reason="buffer_full""#)
            return sink.stats.sequence.unique + Int(dropped) == setup.count && !sink.isDown
        }
        #expect(settled, "received \(sink.stats.sequence), dropped \(dropped)\n\((try? RawHTTP.get("/metrics", port: port).body) ?? "")\n\(agent.text)")
        #expect(dropped > 0, "the buffer never filled: the test proves nothing")
        #expect(sink.stats.sequence.duplicates == 0)
        agent.signal(SIGTERM)
        #expect(await agent.waitForExit(within: 20) == 0, "\(agent.text)")
    }

    @Test(.timeLimit(.minutes(2)))
    func retryAfterOn429IsHonoured() async throws {
        let directory = try TemporaryDirectory()
        let sink = try await TestSink.start(behavior: .failing(429, retryAfter: 3, .next(1)))
        defer { Task { try? await sink.stop() } }
        let setup = Setup(count: 1000, batch: "{max_events: 1000, max_wait: 100ms}")
        let (agent, port) = try await Self.start(setup, sink: sink, directory: directory)
        #expect(await eventually(within: 20) { sink.stats.requests >= 2 })
        // The sink stamps each request's arrival, so the gap is measured where it happened.
        // Backoff alone (50 ms initial, max_backoff 500 ms) would have retried far sooner.
        let arrivals = sink.stats.arrivals
        try #require(arrivals.count >= 2)
        let waited = arrivals[1] - arrivals[0]
        #expect(waited >= .milliseconds(2900), "retried after \(waited)")
        #expect(await eventually(within: 20) { sink.stats.sequence.unique == setup.count })
        #expect(Self.value(Self.metrics(port), "outrider_exporter_retries_total") >= 1)
        agent.signal(SIGTERM)
        #expect(await agent.waitForExit(within: 20) == 0, "\(agent.text)")
    }

    @Test(.timeLimit(.minutes(2)))
    func permanent400IsDroppedAndCountedNotRetried() async throws {
        let directory = try TemporaryDirectory()
        let sink = try await TestSink.start(behavior: .failing(400))
        defer { Task { try? await sink.stop() } }
        let setup = Setup(count: 1000, batch: "{max_events: 100, max_wait: 50ms}")
        let (agent, port) = try await Self.start(setup, sink: sink, directory: directory)
        let key = #"exporter="sink",reason="permanent_error""#
        #expect(await eventually(within: 20) { Self.value(Self.metrics(port), "outrider_buffer_dropped_total", key) == 1000 })
        try await Task.sleep(for: .seconds(1))
        // Each batch was tried once: 1000 events in batches of at most 100.
        #expect(sink.stats.requests >= 10 && sink.stats.requests <= 1000 / 100 * 2, "\(sink.stats.requests) requests")
        #expect(Self.value(Self.metrics(port), "outrider_exporter_retries_total") == 0)
        #expect(agent.text.contains("permanent"), "\(agent.text)")
        agent.signal(SIGTERM)
        #expect(await agent.waitForExit(within: 20) == 0, "\(agent.text)")
    }

    @Test(.timeLimit(.minutes(3)))
    func diskBufferSurvivesSigkillAndATornTailThenDeliversEverything() async throws {
        let directory = try TemporaryDirectory()
        let bufferPath = directory.path + "/buffer"
        let sink = try await TestSink.start(behavior: .slow(.milliseconds(40)))
        defer { Task { try? await sink.stop() } }
        let setup = Setup(
            // Paced, so the duplicate bound below is what at-least-once promises: the events of
            // one checkpoint interval (200 ms, 1000 here) plus the batches in flight.
            count: 30_000, rate: 5000,
            buffer: "{type: disk, path: \(bufferPath), max_size: 64MiB, when_full: block, sync: always}",
            batch: "{max_events: 200, max_wait: 20ms}")
        let (agent, _) = try await Self.start(setup, sink: sink, directory: directory)
        #expect(await eventually(within: 60) { sink.stats.lines >= 3000 }, "\(agent.text)")
        agent.signal(SIGKILL)
        _ = await agent.waitForExit(within: 10)
        let beforeRestart = sink.stats.sequence

        // A crash mid-append leaves a torn record at the end of the newest segment.
        let segments = try FileManager.default.contentsOfDirectory(atPath: bufferPath).filter { $0.hasSuffix(".wal") }.sorted()
        let newest = try #require(segments.last, "no segment files in \(bufferPath)")
        let handle = try #require(FileHandle(forWritingAtPath: bufferPath + "/" + newest))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0x40, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3]))
        try handle.close()

        sink.behavior = .healthy
        let (restarted, _) = try await Self.start(setup, sink: sink, directory: directory)
        let complete = await eventually(within: 90) { sink.stats.sequence.unique == setup.count }
        #expect(complete, "\(sink.stats.sequence) (before restart: \(beforeRestart))\n\(restarted.text)")
        #expect(sink.stats.sequence.missing == 0)
        // At least once: what was in flight or not yet checkpointed may come twice, no more.
        #expect(sink.stats.sequence.duplicates <= 5000, "\(sink.stats.sequence)")
        #expect(restarted.text.contains("truncat"), "the torn tail was not reported:\n\(restarted.text)")
        restarted.signal(SIGTERM)
        #expect(await restarted.waitForExit(within: 20) == 0, "\(restarted.text)")
    }

    @Test(.timeLimit(.minutes(3)))
    func fullDiskBecomesBackPressureNotACrash() async throws {
        guard getuid() == 0 else {
            #expect(!Prerequisite.isCI, "mounting a small tmpfs needs root")
            return
        }
        let directory = try TemporaryDirectory()
        let mountPoint = directory.path + "/small"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mounted = try Command.run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint])
        try #require(mounted.status == 0, "mount failed: \(mounted.output)")
        defer { _ = try? Command.run("/bin/umount", ["-l", mountPoint]) }
        let sink = try await TestSink.start()
        defer { Task { try? await sink.stop() } }
        try await sink.goDown()
        // The cap is far above the file system's size: the disk fills first.
        let setup = Setup(
            count: 20_000, buffer: "{type: disk, path: \(mountPoint)/buffer, max_size: 64MiB, when_full: block}", bodyBytes: 200)
        let (agent, port) = try await Self.start(setup, sink: sink, directory: directory)
        var stalled = false
        var lastEvents = -1.0
        for _ in 0..<60 where !stalled {
            try await Task.sleep(for: .milliseconds(500))
            let events = Self.value(Self.metrics(port), "outrider_buffer_events")
            stalled = events > 0 && events == lastEvents
            lastEvents = events
        }
        #expect(stalled, "the buffer never stopped growing:\n\(agent.text)")
        #expect(lastEvents < Double(setup.count), "everything fit: the disk never filled")
        #expect(try RawHTTP.get("/healthz", port: port).status == 200)
        try await sink.comeBack()
        #expect(await eventually(within: 90) { sink.stats.sequence.unique == setup.count }, "\(sink.stats.sequence)\n\(agent.text)")
        #expect(sink.stats.sequence.missing == 0)
        agent.signal(SIGTERM)
        #expect(await agent.waitForExit(within: 20) == 0, "\(agent.text)")
    }

    @Test(.timeLimit(.minutes(2)))
    func aSourceBlockedAtSigtermKeepsItsCheckpointBeforeTheBatchNoBufferTook() async throws {
        let directory = try TemporaryDirectory()
        let sink = try await TestSink.start()
        defer { Task { try? await sink.stop() } }
        try await sink.goDown()
        // A small disk buffer fills while the backend is down; the source then waits for room.
        let setup = Setup(
            count: 20_000, rate: 0,
            buffer: "{type: disk, path: \(directory.path)/buffer, max_size: 64KiB, when_full: block, sync: always}",
            batch: "{max_events: 100, max_bytes: 16KiB, max_wait: 20ms}", shutdownTimeout: "2s")
        let (agent, port) = try await Self.start(setup, sink: sink, directory: directory)
        var stalled = false
        var last = -1.0
        for _ in 0..<40 where !stalled {
            try await Task.sleep(for: .milliseconds(250))
            let events = Self.value(Self.metrics(port), "outrider_buffer_events")
            stalled = events > 0 && events == last
            last = events
        }
        #expect(stalled, "the buffer never filled:\n\(agent.text)")
        agent.signal(SIGTERM)
        #expect(await agent.waitForExit(within: 20) == 0, "\(agent.text)")

        // Restarted with the backend up: everything buffered plus what the source sends anew
        // arrives, and no sequence number is skipped (the batch that waited at SIGTERM is
        // sent again, not checkpointed away).
        try await sink.comeBack()
        let (restarted, _) = try await Self.start(setup, sink: sink, directory: directory)
        #expect(await eventually(within: 60) { sink.stats.streams["demo"]?.unique == setup.count }, "\(sink.stats.sequence)")
        restarted.signal(SIGTERM)
        #expect(await restarted.waitForExit(within: 20) == 0, "\(restarted.text)")
        let report = sink.stats.streams["demo"]
        #expect(report?.lowest == 0 && report?.missing == 0, "\(String(describing: report))")
    }

    @Test(.timeLimit(.minutes(2)))
    func sigtermFlushesTheMemoryBufferBeforeExiting() async throws {
        let directory = try TemporaryDirectory()
        // 20 batches, 2 in flight, 400 ms each: ~4 s of delivery left when the source is done,
        // so the check below holds even when a loaded CI machine notices the log line late.
        let sink = try await TestSink.start(behavior: .slow(.milliseconds(400)))
        defer { Task { try? await sink.stop() } }
        var setup = Setup(count: 5000, batch: "{max_events: 250, max_wait: 50ms}")
        setup.shutdownTimeout = "20s"
        let (agent, _) = try await Self.start(setup, sink: sink, directory: directory)
        #expect(await agent.waitForOutput { $0.contains("demo source sent every event") }, "\(agent.text)")
        #expect(sink.stats.sequence.unique < setup.count, "everything arrived before SIGTERM: the test proves nothing")
        agent.signal(SIGTERM)
        #expect(await agent.waitForExit(within: 30) == 0, "\(agent.text)")
        #expect(sink.stats.sequence.unique == setup.count, "\(sink.stats.sequence)")
    }
}

/// VmRSS of a process, in bytes.
func residentBytes(_ pid: Int32) throws -> Int {
    let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
}
