import Logging
import Pipeline

/// Builds an exporter's buffer from its `buffer:` settings. A disk buffer is opened (and
/// repaired after a crash) here, at start, before any service runs.
enum BufferFactory {
    static func make(_ settings: DeliverySettings.Buffer, exporter: String, logger: Logger) throws -> any TelemetryBuffer {
        switch settings.type {
        case .memory:
            return MemoryBuffer(
                maxBytes: settings.effectiveMaxSize.bytes, maxEvents: settings.maxEvents ?? .max, whenFull: settings.policy)
        case .disk:
            let sync: DiskLogConfiguration.SyncPolicy = switch settings.sync {
            case .always: .always
            case .interval: .interval(settings.syncInterval.duration)
            case .never: .never
            }
            let path = settings.path ?? ""
            let buffer = try DiskBuffer(
                directory: path, maxBytes: settings.effectiveMaxSize.bytes, maxEvents: settings.maxEvents,
                whenFull: settings.policy, sync: sync)
            report(buffer.recovery, path: path, logger: logger)
            return buffer
        }
    }

    /// A crash leaves a torn tail at most; anything else on disk that had to be repaired
    /// is worth an error line, since records were lost.
    private static func report(_ recovery: DiskLogRecoveryReport, path: String, logger: Logger) {
        let metadata: Logger.Metadata = [
            "path": "\(path)", "replayable_records": "\(recovery.replayableRecords)",
            "truncated_bytes": "\(recovery.truncatedBytes)", "corrupt_records": "\(recovery.corruptRecords)",
            "lost_records": "\(recovery.lostPositions)",
        ]
        for note in recovery.notes {
            logger.warning("disk buffer recovery: \(note)", metadata: ["path": "\(path)"])
        }
        if recovery.corruptRecords > 0 || recovery.lostPositions > 0 || !recovery.quarantinedFiles.isEmpty {
            logger.error("disk buffer repaired: corrupt or lost records were dropped", metadata: metadata)
        } else if recovery.truncatedBytes > 0 {
            logger.warning("disk buffer repaired: a torn record at the end (a crash mid-write) was truncated", metadata: metadata)
        } else if recovery.replayableRecords > 0 {
            logger.info("disk buffer opened with records to replay", metadata: metadata)
        }
    }
}
