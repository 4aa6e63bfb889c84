import AsyncHTTPClient
import Logging
import Pipeline
import Synchronization
import Telemetry
import TestSink
import TestSupport
@testable import Exporters

// Shared pieces of the Delivery and HTTP tests (no tests of their own).

/// One line per log record body, so the sink counts events as lines and checks the
/// `{"seq":N}` in each.
struct BodyLinesEncoder: BatchEncoder {
    var contentType: String { "application/x-ndjson" }

    func encode(_ batches: [TelemetryBatch]) throws(EncodingFailure) -> [UInt8] {
        var body: [UInt8] = []
        for batch in batches {
            guard case .logs(let records) = batch.payload else { throw EncodingFailure("only logs") }
            for record in records {
                body += record.body
                body.append(UInt8(ascii: "\n"))
            }
        }
        return body
    }
}

/// A one-way switch shared between tasks.
final class Flag: Sendable {
    private let value = Mutex(false)

    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

/// Counts how the acknowledgements of buffered items finished.
final class AcknowledgementTally: Sendable {
    private let outcomes = Mutex<[Acknowledgement.Outcome: Int]>([:])

    func make() -> Acknowledgement {
        Acknowledgement { outcome in self.outcomes.withLock { $0[outcome, default: 0] += 1 } }
    }

    subscript(outcome: Acknowledgement.Outcome) -> Int { outcomes.withLock { $0[outcome] ?? 0 } }
    var total: Int { outcomes.withLock { $0.values.reduce(0, +) } }
}

/// Virtual time: `sleep` records the delay and moves the clock on at once, so backoff
/// schedules are asserted exactly and cost no waiting.
final class ManualTiming: Sendable {
    private let state = Mutex<(now: Duration, sleeps: [Duration])>((.zero, []))
    let unit: Double

    /// - Parameter unit: the "random" jitter draw, fixed.
    init(unit: Double = 1) {
        self.unit = unit
    }

    var sleeps: [Duration] { state.withLock { $0.sleeps } }

    var timing: DeliveryTiming {
        DeliveryTiming(
            now: { self.state.withLock { $0.now } },
            sleep: { delay in
                try Task.checkCancellation()
                self.state.withLock { state in
                    state.sleeps.append(delay)
                    state.now += delay
                }
                await Task.yield()
            },
            random: { self.unit })
    }
}

/// Collects log messages.
final class LogCapture: Sendable {
    private let entries = Mutex<[(level: Logger.Level, message: String)]>([])

    var logger: Logger {
        Logger(label: "test") { _ in Handler(capture: self) }
    }

    func messages(_ level: Logger.Level) -> [String] {
        entries.withLock { $0.filter { $0.level == level }.map(\.message) }
    }

    fileprivate func append(_ level: Logger.Level, _ message: String) {
        entries.withLock { $0.append((level, message)) }
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            capture.append(event.level, event.message.description)
        }
    }
}

/// Wraps a sender and records how many attempts ran at once.
final class ConcurrencyProbe: ExportSender {
    let inner: any ExportSender
    private let counts = Mutex<(now: Int, peak: Int, total: Int)>((0, 0, 0))

    init(_ inner: any ExportSender) {
        self.inner = inner
    }

    var peak: Int { counts.withLock { $0.peak } }
    var total: Int { counts.withLock { $0.total } }

    func send(_ batches: [TelemetryBatch]) async -> SendOutcome {
        await attempt(batches).outcome
    }

    func attempt(_ batches: [TelemetryBatch]) async -> SendAttempt {
        counts.withLock { counts in
            counts.now += 1
            counts.total += 1
            counts.peak = max(counts.peak, counts.now)
        }
        defer { counts.withLock { $0.now -= 1 } }
        return await inner.attempt(batches)
    }
}

/// A memory buffer that says it is durable, and counts completions: stands in for the
/// disk buffer where only the loop's durable behaviour matters.
final class DurableStandIn: TelemetryBuffer {
    let inner: MemoryBuffer
    private let completions = Mutex(0)

    init(_ inner: MemoryBuffer) {
        self.inner = inner
    }

    var completed: Int { completions.withLock { $0 } }
    var isDurable: Bool { true }
    var whenFull: WhenFull { inner.whenFull }
    var stats: BufferStats { inner.stats }

    func append(_ item: BufferItem, ifBlocked: BlockedAppend) async throws(BufferError) -> AppendResult {
        try await inner.append(item, ifBlocked: ifBlocked)
    }

    func hasRoom(events: Int, bytes: Int) throws(BufferError) -> Bool { try inner.hasRoom(events: events, bytes: bytes) }
    func nextBatch(_ limits: BatchLimits) async -> BufferedBatch? { await inner.nextBatch(limits) }

    func complete(_ batch: BufferedBatch, delivered: Bool) {
        completions.withLock { $0 += 1 }
        inner.complete(batch, delivered: delivered)
    }

    func close() async { await inner.close() }
}

enum Harness {
    /// Discards everything: the tests that read logs use a `LogCapture`.
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static let now = Timestamp(nanosecondsSinceEpoch: 1_700_000_000_000_000_000)

    /// Log records `{"seq":N}` for N in `range`.
    static func logs(_ range: Range<Int>) -> TelemetryBatch {
        .logs(range.map { LogRecord(observedTimestamp: now, body: Array("{\"seq\":\($0)}".utf8)) })
    }

    /// A large memory buffer holding `events` events in items of `perItem`, each with an
    /// acknowledgement counted in `tally`.
    static func filledBuffer(events: Int, perItem: Int = 50, tally: AcknowledgementTally? = nil) async throws -> MemoryBuffer {
        let buffer = MemoryBuffer(maxBytes: 256 << 20, whenFull: .block)
        try await append(to: buffer, 0..<events, perItem: perItem, tally: tally)
        return buffer
    }

    static func append(
        to buffer: any TelemetryBuffer, _ range: Range<Int>, perItem: Int = 50, tally: AcknowledgementTally? = nil
    ) async throws {
        for start in stride(from: range.lowerBound, to: range.upperBound, by: perItem) {
            let item = BufferItem(logs(start..<min(start + perItem, range.upperBound)), acknowledgement: tally?.make())
            _ = try await buffer.append(item, ifBlocked: .wait)
        }
    }

    /// Batches as they are queued: no waiting for more.
    static let limits = BatchLimits(maxEvents: 200, maxBytes: 1 << 20, maxWait: .zero)

    /// Backoff small enough that real-time retries in tests are quick.
    static let quickRetry = RetryPolicy(initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(50), maxElapsed: .zero)

    /// A sink on 127.0.0.1 and a client configured as the agent's, both shut down after.
    static func withSink(
        _ behavior: SinkBehavior = .healthy, _ body: (TestSink, HTTPClient) async throws -> Void
    ) async throws {
        let sink = try await TestSink.start(behavior: behavior)
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: HTTPClientDefaults.configuration())
        do {
            try await body(sink, client)
        } catch {
            try? await client.shutdown()
            try? await sink.stop()
            throw error
        }
        try await client.shutdown()
        try await sink.stop()
    }

    static func sender(
        _ client: HTTPClient, _ sink: TestSink, compression: HTTPCompression = .none, logger: Logger = quiet
    ) throws -> HTTPSender {
        try HTTPSender(
            client: client,
            configuration: HTTPSenderConfiguration(endpoint: "http://127.0.0.1:\(sink.port)/ingest", compression: compression),
            encoder: BodyLinesEncoder(), logger: logger)
    }

    static func loop(
        _ buffer: any TelemetryBuffer, _ sender: any ExportSender, limits: BatchLimits = limits, retry: RetryPolicy = quickRetry,
        concurrency: Int = 4, stats: ExporterStats = ExporterStats(), logger: Logger = quiet,
        timing: DeliveryTiming = .system
    ) -> DeliveryLoop {
        DeliveryLoop(
            name: "test", buffer: buffer, sender: sender, limits: limits, retry: retry, concurrency: concurrency, stats: stats,
            logger: logger, timing: timing)
    }

    /// Waits (bounded) for `task` to end; false if it did not in time.
    static func finishes(_ task: Task<Void, Never>, within seconds: Double = 20) async -> Bool {
        let done = Flag()
        let watcher = Task {
            await task.value
            done.set()
        }
        let finished = await eventually(within: seconds) { done.isSet }
        if !finished { watcher.cancel() }
        return finished
    }
}
