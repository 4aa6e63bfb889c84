import Logging
import Pipeline

extension DeliveryLoop {
    /// Sends one batch until it is delivered, refused for good, out of retry time, or the
    /// task is cancelled; then hands it back to the buffer (or, durable and cancelled, not).
    func deliver(_ batch: BufferedBatch) async {
        let firstAttempt = timing.now()
        var retries = 0
        var lastFailure: String?
        attempts: while !Task.isCancelled {
            let started = timing.now()
            let attempt = await sender.attempt(batch.batches)
            stats.sendDurations.record(timing.now() - started)
            // Cut short by shutdown: not the backend's failure, and not to be retried.
            if Task.isCancelled, case .retryable = attempt.outcome { break }
            switch attempt.outcome {
            case .delivered:
                stats.recordDelivered(events: batch.events, bytes: attempt.bytes ?? batch.bytes)
                if stats.recordRecovery() {
                    logger.info("exporter \(name): backend accepts data again", metadata: ["exporter": "\(name)"])
                }
                buffer.complete(batch, delivered: true)
                return
            case .partiallyDelivered(let rejected, let reason):
                deliverPartially(batch, rejected: rejected, reason: reason, bytes: attempt.bytes)
                return
            case .permanent(let reason):
                stats.requests.add(1, ExporterStats.permanent)
                drop(batch, reason: DropReason.permanentError, detail: reason)
                return
            case .retryable(let reason, let retryAfter):
                stats.requests.add(1, ExporterStats.retryable)
                lastFailure = reason
                if stats.recordFailure(reason) {
                    logger.warning(
                        "exporter \(name): delivery failing, retrying: \(reason)",
                        metadata: ["exporter": "\(name)", "reason": "\(reason)"])
                }
                let delay = retry.delay(forRetry: retries, retryAfter: retryAfter, unit: timing.random())
                guard retry.allowsRetry(elapsed: timing.now() - firstAttempt, delay: delay) else {
                    drop(batch, reason: DropReason.retriesExhausted, detail: reason)
                    return
                }
                logger.debug(
                    "exporter \(name): retrying in \(delay)",
                    metadata: ["exporter": "\(name)", "events": "\(batch.events)", "reason": "\(reason)"])
                do {
                    try await timing.sleep(delay)
                } catch {
                    break attempts  // cancelled: shutdown's grace period is over
                }
                retries += 1
                stats.recordRetry()
            }
        }
        abandon(batch, lastFailure: lastFailure)
    }

    /// The backend took the batch but refused `rejected` of its events: those are counted as
    /// dropped (`rejected`), the rest as sent, and the batch is complete, since the backend
    /// answered that retrying would not help. Said on every such answer, with the backend's
    /// reason: each one loses data.
    private func deliverPartially(_ batch: BufferedBatch, rejected: Int, reason: String, bytes: Int?) {
        // A backend claiming more than was sent cannot refuse more than the batch.
        let refused = min(max(0, rejected), batch.events)
        stats.recordDelivered(events: batch.events - refused, bytes: bytes ?? batch.bytes)
        buffer.stats.dropped.add(refused, DropReason.rejected)
        if stats.recordRecovery() {
            logger.info("exporter \(name): backend accepts data again", metadata: ["exporter": "\(name)"])
        }
        logger.warning(
            "exporter \(name): backend rejected \(refused) of \(batch.events) events: \(reason)",
            metadata: ["exporter": "\(name)", "events": "\(refused)", "reason": "\(DropReason.rejected)", "error": "\(reason)"])
        buffer.complete(batch, delivered: true)
    }

    /// Counts `batch`'s events as dropped under `reason`, says so, and completes it.
    private func drop(_ batch: BufferedBatch, reason: String, detail: String) {
        buffer.stats.dropped.add(batch.events, reason)
        let what = reason == DropReason.retriesExhausted ? "retries exhausted after \(retry.maxElapsed), last error" : "refused"
        logger.error(
            "exporter \(name): dropped \(batch.events) events, \(what): \(detail)",
            metadata: ["exporter": "\(name)", "events": "\(batch.events)", "reason": "\(reason)", "error": "\(detail)"])
        buffer.complete(batch, delivered: false)
    }

    /// Shutdown before delivery: a durable buffer keeps the batch for the next start (left
    /// uncompleted, so its log does not advance past it); a memory buffer loses it, counted.
    func abandon(_ batch: BufferedBatch, lastFailure: String?) {
        guard !buffer.isDurable else { return }
        buffer.stats.dropped.add(batch.events, DropReason.shutdown)
        logger.error(
            "exporter \(name): dropped \(batch.events) events at shutdown, not delivered in time\(lastFailure.map { ": \($0)" } ?? "")",
            metadata: ["exporter": "\(name)", "events": "\(batch.events)", "reason": "\(DropReason.shutdown)"])
        buffer.complete(batch, delivered: false)
    }
}
