import Pipeline
import ServiceLifecycle
import Telemetry

/// Sends generated, numbered log lines to the source's pipelines at the configured rate,
/// waiting whenever a `block` buffer is full (back-pressure slows it down, as it would a
/// file tailer).
struct DemoLogsSource: Service {
    let config: DemoLogsSourceConfig
    let context: ComponentContext

    func run() async throws {
        let stream = config.stream ?? context.name
        let logger = context.logger
        let checkpoint = SequenceCheckpoint(directory: config.checkpointDir, name: stream) { error in
            logger.warning("demo source checkpoint not written", metadata: ["error": "\(error)"])
        }
        defer { checkpoint.flush() }
        context.health.ready()
        guard let output = context.output else {
            try? await gracefulShutdown()
            return
        }
        let padding = [UInt8](repeating: UInt8(ascii: "x"), count: config.bodyBytes)
        let prefix = Array(" stream=\(stream) level=info msg=\"demo event\"".utf8)
        let limit = config.count > 0 ? UInt64(config.count) : .max
        var next = checkpoint.start
        let started = ContinuousClock.now
        let startSequence = next
        context.logger.info("demo source started", metadata: ["from": "\(next)", "rate": "\(config.rate)"])
        while next < limit && !Task.isShuttingDownGracefully && !Task.isCancelled {
            let size = UInt64(config.batchSize)
            let end = min(limit, next + size)
            let now = context.clock.now()
            var records: [LogRecord] = []
            records.reserveCapacity(Int(end - next))
            for sequence in next..<end {
                var body = Array("seq=".utf8)
                body.append(contentsOf: String(sequence).utf8)
                body.append(contentsOf: prefix)
                if !padding.isEmpty {
                    body.append(contentsOf: " pad=".utf8)
                    body.append(contentsOf: padding)
                }
                records.append(LogRecord(timestamp: now, observedTimestamp: now, severity: .info, body: body))
            }
            let range = next..<end
            // Delivered, durably buffered, or dropped and counted: the checkpoint may pass it.
            // Not accepted (shutdown while waiting for room): it is sent again after restart.
            let acknowledgement = Acknowledgement { outcome in
                if outcome != .notAccepted { checkpoint.acknowledge(range) }
            }
            do {
                // Waiting for room ends on SIGTERM, so a full buffer cannot hold up the
                // exporters' drain behind this source.
                let batch = TelemetryBatch.logs(records)
                try await cancelWhenGracefulShutdown {
                    try await output.send(batch, acknowledgement: acknowledgement)
                }
            } catch {
                break  // shutting down: cancelled while waiting, or buffers closed
            }
            context.health.count("events", by: records.count)
            next = end
            if config.rate > 0 {
                // Paced against the start, so a slow send is caught up rather than lost.
                let due = started.advanced(by: .seconds(Double(next - startSequence) / config.rate))
                try? await cancelWhenGracefulShutdown { try await Task.sleep(until: due, clock: .continuous) }
            }
        }
        if next >= limit {
            context.logger.info("demo source sent every event", metadata: ["count": "\(limit)"])
            try? await gracefulShutdown()
        }
    }
}
