import Dispatch
import Telemetry

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `type: stdout`: each delivery batch, encoded (JSON lines by default), to standard output
/// with one `write(2)` (continued after partial writes and EINTR), for `kubectl logs`.
///
/// Writes run on a private serial queue: a slow reader of the pipe blocks the write, which
/// must not stall the cooperative thread pool, and the queue keeps batches whole and in
/// order. A closed pipe (EPIPE) is `.permanent`: nobody will ever read what we write; other
/// errors (EIO, ENOSPC when redirected to a file) are `.retryable`.
public final class StdoutSender: ExportSender {
    private let encoder: any BatchEncoder
    private let descriptor: Int32
    private let queue: DispatchQueue

    /// - Parameter fileDescriptor: standard output; tests pass a pipe.
    public init(encoder: any BatchEncoder = JSONLinesEncoder(), fileDescriptor: Int32 = STDOUT_FILENO) {
        self.encoder = encoder
        self.descriptor = fileDescriptor
        self.queue = DispatchQueue(label: "outrider.stdout-sender")
        // A write to a pipe with no reader raises SIGPIPE, whose default action kills the
        // agent with every buffered batch; ignored, the write fails with EPIPE instead.
        // Process-wide, and what a daemon wants anyway.
        signal(SIGPIPE, SIG_IGN)
    }

    public func send(_ batches: [TelemetryBatch]) async -> SendOutcome {
        let body: [UInt8]
        do {
            body = try encoder.encode(batches)
        } catch {
            return .permanent(reason: "cannot encode for stdout: \(error)")
        }
        guard !body.isEmpty else { return .delivered }
        return await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: self.write(body)) }
        }
    }

    private func write(_ body: [UInt8]) -> SendOutcome {
        switch DescriptorWriter.writeAll(body, to: descriptor) {
        case .success:
            return .delivered
        case .failure(let failure) where failure.errno.code == EPIPE:
            return .permanent(reason: "stdout closed: \(failure.errno)")
        case .failure(let failure):
            return .retryable(reason: "write stdout: \(failure.errno)")
        }
    }
}
