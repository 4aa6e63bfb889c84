import ArgumentParser
import Dispatch
import TestSink

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The test sink as a program, the common backend of side-by-side benchmarks:
///
///     outrider-sink --port 9999 --fail 503 --retry-after 2 --slow 100ms --print-every 5s
///
/// Prints its stats as one JSON line every `--print-every` and once more on SIGINT/SIGTERM
/// (`"final":true`), then exits 0. At run time, steer it over HTTP on the same port:
///
///     curl -XPOST 'localhost:9999/_control/behavior?fail=429&retry_after=1&count=10'
///     curl -XPOST 'localhost:9999/_control/down?seconds=3'
///     curl localhost:9999/_control/stats
@main
struct OutriderSink: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outrider-sink",
        abstract: "An HTTP sink that counts lines, checks sequence numbers and fails on command."
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port, printed at start).")
    var port = 9999

    @Option(help: "Answer ingest requests with this status (429, 500, 503, …), or 'reset' to reset connections.")
    var fail: String?

    @Option(help: "Retry-After seconds sent with --fail.")
    var retryAfter: Int?

    @Option(help: "Fail only the next N requests.")
    var failCount: Int?

    @Option(help: "Fail this fraction (0...1) of requests, by a deterministic pattern.")
    var failFraction: Double?

    @Option(help: "Seed of the --fail-fraction pattern.")
    var seed: UInt64 = 1

    @Option(help: "Delay every answer by this long (100ms, 2s).")
    var slow: String?

    @Option(help: "Answer 413 to bodies larger than this many bytes.")
    var maxBody = SinkBehavior.defaultMaxBodyBytes

    @Option(help: "Print stats this often (5s, 500ms; 0: only at exit).")
    var printEvery = "5s"

    @Option(help: "Sequence number field: \"<name>\":<digits> or <name>=<digits>.")
    var sequenceField = "seq"

    @Option(help: "Stream key field: \"<name>\":\"<key>\" or <name>=<key> (else stream 'default').")
    var streamField = "stream"

    func run() async throws {
        var parameters: [(String, String)] = [("max_body", String(maxBody)), ("seed", String(seed))]
        if let fail { parameters.append(("fail", fail)) }
        if let retryAfter { parameters.append(("retry_after", String(retryAfter))) }
        if let failCount { parameters.append(("count", String(failCount))) }
        if let failFraction { parameters.append(("fraction", String(failFraction))) }
        if let slow { parameters.append(("delay", slow)) }
        let behavior: SinkBehavior
        do {
            behavior = try SinkBehavior(parameters: parameters)
        } catch {
            throw ValidationError(error.description)
        }
        guard let interval = SinkBehavior.parseDuration(printEvery) else {
            throw ValidationError("--print-every: not a duration: \(printEvery)")
        }

        let signals = Self.signals([SIGINT, SIGTERM])
        let sink = try await TestSink.start(
            host: host, port: port, behavior: behavior,
            extractor: .fields(sequence: sequenceField, stream: streamField)
        )
        Self.log("outrider-sink listening on \(host):\(sink.port)")
        let started = ContinuousClock.now
        let printer = Task {
            guard interval > .zero else { return }
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                Self.emit(sink.stats, since: started, final: false)
            }
        }
        var signalIterator = signals.makeAsyncIterator()
        let signal = await signalIterator.next()
        printer.cancel()
        Self.log("outrider-sink stopping (signal \(signal ?? 0))")
        Self.emit(sink.stats, since: started, final: true)
        try await sink.stop()
    }

    /// The stats object with `elapsedSeconds` and `final` in front, on one line.
    static func emit(_ stats: SinkStats, since start: ContinuousClock.Instant, final: Bool) {
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rounded = (seconds * 1000).rounded() / 1000
        print("{\"elapsedSeconds\":\(rounded),\"final\":\(final)," + stats.json.dropFirst())
        fflush(nil)  // stdout is a pipe in benchmarks: push the line out now
    }

    static func log(_ message: String) {
        let line = Array((message + "\n").utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }

    /// SIGINT/SIGTERM as an async sequence (default handling off, so they do not kill us).
    static func signals(_ numbers: [Int32]) -> AsyncStream<Int32> {
        AsyncStream { continuation in
            let sources = numbers.map { number -> any DispatchSourceSignal in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { continuation.yield(number) }
                source.resume()
                return source
            }
            let keeper = SignalSources(sources)
            continuation.onTermination = { _ in keeper.cancel() }
        }
    }
}

/// Keeps the dispatch sources alive as long as the stream.
private final class SignalSources: @unchecked Sendable {
    // Written once at init, read by `cancel`: no concurrent mutation.
    private let sources: [any DispatchSourceSignal]

    init(_ sources: [any DispatchSourceSignal]) {
        self.sources = sources
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
