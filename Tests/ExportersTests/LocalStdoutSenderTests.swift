#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization
import Testing
import Telemetry
@testable import Exporters

@Suite("Local: stdout sender")
struct LocalStdoutSenderTests {
    /// A pipe whose read end is drained on its own thread (a blocking read must not hold a
    /// cooperative-pool thread), optionally after a delay so the writer finds it full.
    final class Pipe: Sendable {
        let readEnd: Int32
        let writeEnd: Int32
        private let received = Mutex<[UInt8]>([])
        private let done = DispatchSemaphore(value: 0)

        init(nonBlockingWriter: Bool = false) {
            var ends: [Int32] = [0, 0]
            precondition(pipe(&ends) == 0)
            (readEnd, writeEnd) = (ends[0], ends[1])
            if nonBlockingWriter { _ = fcntl(writeEnd, F_SETFL, fcntl(writeEnd, F_GETFL) | O_NONBLOCK) }
        }

        func startReading(after delay: Duration = .zero) {
            Thread.detachNewThread { [self] in
                if delay > .zero { Thread.sleep(forTimeInterval: Double(delay.components.attoseconds) / 1e18) }
                var chunk = [UInt8](repeating: 0, count: 65536)
                while true {
                    let count = chunk.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                    if count < 0 && errno == EINTR { continue }
                    if count <= 0 { break }
                    received.withLock { $0 += chunk[..<count] }
                }
                done.signal()
            }
        }

        /// Closes the write end and returns everything read until EOF.
        func finish() -> [UInt8] {
            close(writeEnd)
            done.wait()
            close(readEnd)
            return received.withLock { $0 }
        }
    }

    static let big = TelemetryBatch.logs((0..<500).map {
        LogRecord(observedTimestamp: Timestamp(nanosecondsSinceEpoch: Int64($0)), body: [UInt8](repeating: UInt8(ascii: "y"), count: 2000))
    })

    @Test("writes each batch whole, larger than the pipe buffer, in order")
    func writes() async throws {
        let pipe = Pipe()
        pipe.startReading()
        let sender = StdoutSender(encoder: JSONLinesEncoder(), fileDescriptor: pipe.writeEnd)
        #expect(await sender.send([JSONGoldenTests.logs]) == .delivered)
        #expect(await sender.send([Self.big]) == .delivered)
        #expect(pipe.finish() == (try JSONLinesEncoder().encode([JSONGoldenTests.logs, Self.big])))
    }

    @Test("a full non-blocking pipe (EAGAIN) is waited out, not reported")
    func nonBlockingPipe() async throws {
        let pipe = Pipe(nonBlockingWriter: true)
        pipe.startReading(after: .milliseconds(100))
        let sender = StdoutSender(fileDescriptor: pipe.writeEnd)
        #expect(await sender.send([Self.big]) == .delivered)
        #expect(pipe.finish() == (try JSONLinesEncoder().encode([Self.big])))
    }

    @Test("a pipe nobody reads any more (EPIPE) is permanent, and does not kill the process")
    func brokenPipe() async throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        close(ends[0])
        defer { close(ends[1]) }
        let sender = StdoutSender(fileDescriptor: ends[1])
        guard case .permanent(let reason) = await sender.send([JSONGoldenTests.logs]) else {
            Issue.record("expected permanent")
            return
        }
        #expect(reason.contains("EPIPE"))
    }

    @Test("other write errors are retryable with errno's text")
    func otherErrors() async throws {
        let sender = StdoutSender(fileDescriptor: 987_654)
        guard case .retryable(let reason, _) = await sender.send([JSONGoldenTests.logs]) else {
            Issue.record("expected retryable")
            return
        }
        #expect(reason.contains("EBADF"))
        #expect(await sender.send([.logs([])]) == .delivered, "nothing to write, nothing to fail")
    }
}
