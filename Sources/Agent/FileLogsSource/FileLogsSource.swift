#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif
import LogTail
import Logging
import NIOPosix
import Pipeline
import ServiceLifecycle
import Synchronization
import Telemetry

/// Drives a `FileTailer`: scans on `rescan_interval` (sooner on an inotify event), reads
/// every file in turns and sends each chunk's records as one batch, waiting when a `block`
/// buffer is full — the files simply stay unread meanwhile, which is the back-pressure.
/// Each batch's acknowledgement moves that file's checkpoint (`CheckpointBook`), which is
/// written every `checkpoint_interval` and at shutdown.
struct FileLogsSource: Service {
    let config: FileLogsSourceConfig
    let tailer: TailerConfiguration
    let context: ComponentContext

    init(config: FileLogsSourceConfig, tailer: TailerConfiguration, context: ComponentContext) {
        self.config = config
        self.tailer = tailer
        self.context = context
    }

    func run() async throws {
        let logger = context.logger
        let book = CheckpointBook(store: openStore(), now: context.clock.now)
        let tailer = FileTailer(configuration: tailer, book: book, wall: context.clock.now)
        var metrics = FileLogsMetrics(registry: context.metrics.registry, source: context.name)
        let watcher = config.watch ? DirectoryWatcher() : nil
        if config.watch && watcher == nil {
            logger.warning("inotify unavailable; polling files", metadata: ["errno": "\(errno)"])
        }
        guard let output = context.output else {
            context.health.ready()
            try? await gracefulShutdown()
            return
        }
        let stopped = StoppedFlag()
        defer { stopped.stop { saveCheckpoints(book, final: true) } }

        var nextScan = ContinuousClock.now
        var nextSave = ContinuousClock.now.advanced(by: config.checkpointInterval.duration)
        var scanned = false
        var shownProblems: [String] = []
        func saveIfDue() {
            guard ContinuousClock.now >= nextSave else { return }
            saveCheckpoints(book, final: false)
            nextSave = ContinuousClock.now.advanced(by: config.checkpointInterval.duration)
        }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if ContinuousClock.now >= nextScan {
                scan(tailer, watcher: watcher)
                nextScan = ContinuousClock.now.advanced(by: config.rescanInterval.duration)
                if !scanned {
                    scanned = true
                    context.health.ready()
                }
            }
            // Read until every file is at its end, looking up now and then for due scans.
            var sent = 0
            let turnStarted = ContinuousClock.now
            while let batch = tailer.nextBatch() {
                guard await send(batch, to: output, book: book, stopped: stopped) else { return }
                sent += 1
                // A catch-up (a backlog, a full buffer) stays in this loop for seconds: save on
                // the interval here too, or a crash repeats everything delivered since the loop
                // began (all 20 000 lines delivered before a SIGKILL in the backlog test).
                saveIfDue()
                // Back to the top for due scans at least every second, even under a backlog.
                if ContinuousClock.now - turnStarted >= .seconds(1) { break }
            }
            for batch in tailer.housekeeping() {
                guard await send(batch, to: output, book: book, stopped: stopped) else { return }
            }
            metrics.update(tailer.stats, open: tailer.openFileCount, tracked: tailer.trackedFileCount, unread: tailer.unreadBytes)
            publishProblems(tailer, shown: &shownProblems)
            saveIfDue()
            if sent > 0 { continue }
            // Nothing to read: wait for a change notification, the poll tick or the next scan.
            let wait = min(config.pollInterval.duration, max(.zero, nextScan - ContinuousClock.now))
            if let watcher {
                let descriptor = watcher.descriptor
                _ = try? await cancelWhenGracefulShutdown {
                    try await NIOThreadPool.singleton.runIfActive { DirectoryWatcher.waitForEvents(on: descriptor, timeout: wait) }
                }
                let changes = watcher.drain()
                for path in changes.written { tailer.fileChanged(path: path) }
                if changes.rescan { nextScan = .now }
            } else {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
            }
            tailer.wakeAll()
        }
    }

    /// False when shutting down (the batch was not taken and is never checkpointed past).
    private func send(_ batch: TailBatch, to output: SourceOutput, book: CheckpointBook, stopped: StoppedFlag) async -> Bool {
        let ticket = batch.ticket
        guard !batch.records.isEmpty else {
            book.acknowledge(ticket)  // blank lines, or lines still being joined: nothing to deliver
            return true
        }
        // Delivered, durably buffered, or dropped and counted: the checkpoint may pass it.
        let acknowledgement = Acknowledgement { outcome in
            guard outcome != .notAccepted else { return }
            book.acknowledge(ticket)
            // Exporters stop after the sources and drain meanwhile: without this, what they
            // deliver after the final save was never checkpointed and a clean restart sent it
            // all again (a SIGTERM during a slow delivery repeated 20 000 of 20 000 lines).
            stopped.ifStopped { saveCheckpoints(book, final: false) }
        }
        do {
            try await cancelWhenGracefulShutdown {
                try await output.send(TelemetryBatch.logs(batch.records), acknowledgement: acknowledgement)
            }
            context.health.count("records", by: batch.records.count)
            return true
        } catch {
            return false
        }
    }

    private func scan(_ tailer: FileTailer, watcher: DirectoryWatcher?) {
        let report = tailer.rescan()
        let logger = context.logger
        for path in report.added { logger.info("following log file", metadata: ["path": "\(path)"]) }
        for (from, to) in report.rotated { logger.info("log file rotated", metadata: ["from": "\(from)", "to": "\(to)"]) }
        for path in report.truncated { logger.info("log file truncated; reading from its start", metadata: ["path": "\(path)"]) }
        for path in report.replaced { logger.info("log file replaced; reading the new file", metadata: ["path": "\(path)"]) }
        for path in report.leaving { logger.info("log file gone from the globs; reading it to its end", metadata: ["path": "\(path)"]) }
        for problem in report.newProblems {
            logger.warning("log file unreadable; the others go on", metadata: ["problem": "\(problem)"])
            context.health.recordError(problem.description)
        }
        if report.incomplete {
            logger.warning("directory walk stopped at its entry limit; some files may be missed", metadata: ["files": "\(report.files)"])
        }
        if let watcher {
            for failure in watcher.watch(tailer.watchDirectories) where failure.errno != ENOENT {
                logger.debug("directory not watched; polling it", metadata: [
                    "directory": "\(failure.directory)", "errno": "\(failure.errno)",
                ])
            }
        }
    }

    /// Files that cannot be opened or read: each logged once, all listed on /status until
    /// they clear (scan problems are logged by `scan`).
    private func publishProblems(_ tailer: FileTailer, shown: inout [String]) {
        for problem in tailer.takeNewProblems() {
            context.logger.warning("log file unreadable; the others go on", metadata: ["problem": "\(problem)"])
            context.health.recordError(problem.description)
        }
        let current = tailer.problems.values.map(\.description).sorted()
        if current != shown {
            shown = current
            context.health.setProblems(current)
        }
    }

    private func openStore() -> CheckpointStore? {
        guard let root = config.checkpointDir else { return nil }
        let directory = root + "/" + context.name
        var store = CheckpointStore(directory: directory)
        do {
            try AtomicFile.makeDirectories(directory)
        } catch {
            context.logger.error(
                "checkpoint directory not usable; positions kept in memory only",
                metadata: ["directory": "\(directory)", "error": "\(error)"])
            context.health.recordError("checkpoint directory \(directory): \(error)")
            return nil
        }
        switch store.load() {
        case .missing:
            context.logger.info("no checkpoints yet; reading from start_at", metadata: ["start_at": "\(config.startAt.rawValue)"])
        case .loaded(let count):
            context.logger.info("checkpoints loaded", metadata: ["files": "\(count)", "path": "\(store.filePath)"])
        case .corrupt(let reason):
            context.logger.error("checkpoint file unreadable; reading from start_at", metadata: ["path": "\(store.filePath)", "reason": "\(reason)"])
            context.health.recordError("checkpoint file \(store.filePath): \(reason)")
        }
        return store
    }

    private func saveCheckpoints(_ book: CheckpointBook, final: Bool) {
        do {
            try book.save(retention: config.checkpointRetention.duration, force: final)
        } catch {
            // Positions stay in memory and are written at the next interval; a crash before
            // then re-reads more, loses nothing.
            context.logger.warning("checkpoints not written", metadata: ["error": "\(error)"])
            context.health.recordError("checkpoints not written: \(error)")
        }
    }
}

/// Set once the read loop has ended and the final checkpoint is written. Acknowledgements
/// arriving afterwards (the exporters drain after the sources stop) are written at once, as
/// the demo source does. Under one lock: each save snapshots the book, and two concurrent
/// writes could otherwise leave the older snapshot on disk.
final class StoppedFlag: Sendable {
    private let stopped = Mutex(false)

    func stop(_ finalSave: () -> Void) {
        stopped.withLock { stopped in
            stopped = true
            finalSave()
        }
    }

    func ifStopped(_ save: () -> Void) {
        stopped.withLock { stopped in
            if stopped { save() }
        }
    }
}
