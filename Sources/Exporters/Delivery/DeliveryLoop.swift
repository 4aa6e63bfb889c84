import Logging
import Pipeline
import Telemetry

/// The delivery loop every exporter shares (the OpenTelemetry Collector's exporterhelper):
/// takes batches from the exporter's buffer, sends up to `concurrency` at once, retries
/// what may succeed later with exponential backoff and full jitter (honouring Retry-After),
/// and hands each batch back to the buffer delivered, or dropped and counted.
///
/// `run()` returns once the buffer is closed and drained and every send has finished, so
/// closing the buffer is a graceful drain. Cancelling the task (the shutdown grace period
/// ran out) ends the retries at once: a memory buffer's undelivered batches are dropped
/// and counted under `shutdown`; a durable buffer's are left uncompleted, to be sent again
/// on the next start.
public final class DeliveryLoop: Sendable {
    public let name: String
    public let stats: ExporterStats
    let buffer: any TelemetryBuffer
    let sender: any ExportSender
    let limits: BatchLimits
    let retry: RetryPolicy
    let concurrency: Int
    let logger: Logger
    let timing: DeliveryTiming

    /// - Parameters:
    ///   - name: the exporter's name, in logs.
    ///   - concurrency: batches in flight at once (at least 1).
    ///   - timing: clock, sleep and jitter; tests pass their own.
    public init(
        name: String, buffer: any TelemetryBuffer, sender: any ExportSender, limits: BatchLimits, retry: RetryPolicy,
        concurrency: Int, stats: ExporterStats, logger: Logger, timing: DeliveryTiming = .system
    ) {
        self.name = name
        self.buffer = buffer
        self.sender = sender
        self.limits = limits
        self.retry = retry
        self.concurrency = max(1, concurrency)
        self.stats = stats
        self.logger = logger
        self.timing = timing
    }

    /// Delivers until the buffer is closed and drained (or the task is cancelled), then
    /// shuts the sender down. Call once.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            var inFlight = 0
            while true {
                if Task.isCancelled {
                    // Shutdown: the cancelled sends hand their batches back first, so the
                    // buffer has seen every completion before it is asked for (and, on
                    // disk, releases) the rest.
                    await group.waitForAll()
                    inFlight = 0
                }
                // A slot first, then the batch: while every slot is busy, events wait in
                // the buffer, where batches grow and drop policies can still reach them.
                while inFlight >= concurrency {
                    await group.next()
                    inFlight -= 1
                }
                // Cancelled, a memory buffer hands out what it holds at once, each batch
                // counted lost here, not sent; a disk buffer hands out nothing more and
                // releases its log.
                guard let batch = await buffer.nextBatch(limits) else { break }
                if Task.isCancelled {
                    abandon(batch, lastFailure: nil)
                    continue
                }
                group.addTask { await self.deliver(batch) }
                inFlight += 1
            }
            await group.waitForAll()
        }
        await sender.shutdown()
    }
}
