import Dispatch
import Synchronization
import Telemetry

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `type: file`: appends each delivery batch, encoded (JSON lines by default), to a file
/// with one `write(2)`.
///
/// - The file is opened on the first batch, not at construction, so a directory that
///   appears later (a volume mounted after start) is a retry, not a failed start.
/// - Before each batch the path is checked (one `stat`, a microsecond against a batch's
///   write) and reopened if logrotate renamed or deleted our file; `copytruncate` needs no
///   reopen because the file is opened O_APPEND.
/// - Every failure (ENOSPC, EDQUOT, EIO, EACCES, …) is `.retryable` with errno's text: a
///   full or read-only volume is an operator's fix away, and meanwhile the buffer holds the
///   data. If a write fails part-way, the file is truncated back to where the batch began,
///   so the retry leaves no torn line (the file is assumed to be ours alone).
/// - Writes run on a private serial queue: they may block (a slow disk, `fsync`), which
///   must not stall the cooperative thread pool, and the queue keeps batches in order.
public final class FileSender: ExportSender {
    public let path: String
    private let encoder: any BatchEncoder
    private let sync: Bool
    private let queue: DispatchQueue
    /// Only touched on `queue`; the mutex is uncontended and makes that checkable.
    private let file = Mutex<OpenFile?>(nil)

    /// - Parameter fsync: `fdatasync` after each batch, so a batch reported delivered
    ///   survives a power loss.
    public init(path: String, encoder: any BatchEncoder = JSONLinesEncoder(), fsync: Bool = false) {
        self.path = path
        self.encoder = encoder
        self.sync = fsync
        self.queue = DispatchQueue(label: "outrider.file-sender")
    }

    deinit {
        file.withLock { $0?.release() }
    }

    public func send(_ batches: [TelemetryBatch]) async -> SendOutcome {
        let body: [UInt8]
        do {
            body = try encoder.encode(batches)
        } catch {
            return .permanent(reason: "cannot encode for \(path): \(error)")
        }
        guard !body.isEmpty else { return .delivered }
        return await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: self.append(body)) }
        }
    }

    public func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.file.withLock { file in
                    file?.release()
                    file = nil
                }
                continuation.resume()
            }
        }
    }

    private func append(_ body: [UInt8]) -> SendOutcome {
        file.withLock { file in
            if let current = file, !current.isStillAt(path) {
                current.release()
                file = nil
            }
            if file == nil {
                switch OpenFile.appending(to: path) {
                case .success(let opened): file = opened
                case .failure(let errno): return .retryable(reason: "open \(path): \(errno)")
                }
            }
            guard let descriptor = file?.descriptor else { return .retryable(reason: "open \(path): not open") }
            let start = lseek(descriptor, 0, SEEK_END)
            if case .failure(let failure) = DescriptorWriter.writeAll(body, to: descriptor) {
                if failure.written > 0 && start >= 0 { _ = ftruncate(descriptor, start) }
                return .retryable(reason: "write \(path): \(failure.errno)")
            }
            if sync {
                while fdatasync(descriptor) != 0 {
                    let errno = Errno.current
                    if errno.code != EINTR { return .retryable(reason: "fsync \(path): \(errno)") }
                }
            }
            return .delivered
        }
    }
}
