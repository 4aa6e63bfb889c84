import AsyncHTTPClient
import Exporters
import Logging
import Pipeline
import ServiceLifecycle
import Synchronization
import Telemetry

/// The runnable parts of a config's pipelines: each used processor built once, each used
/// exporter with its own buffer and delivery loop, and for each source the `SourceOutput`
/// that routes its batches through every pipeline naming it.
struct PipelineAssembly {
    struct Exporter {
        let context: ComponentContext
        let buffer: any TelemetryBuffer
        let service: ExporterService
    }

    private(set) var processors: [String: any Processor] = [:]
    private(set) var exporters: [Exporter] = []
    private var buffers: [String: any TelemetryBuffer] = [:]
    let pipelines: [PipelineDeclaration]
    let resource: Resource
    /// Closes every exporter's buffer at once, when the first exporter is told to stop.
    private let drain = DrainSignal()

    /// - Parameter makeContext: the context a component is built with (logger, health, …).
    init(
        config: AgentConfig, stats: PipelineStats,
        makeContext: (ComponentDeclaration) -> ComponentContext
    ) throws {
        pipelines = config.pipelines
        resource = config.service.resource(instanceID: HostName.current)
        for declaration in config.processors where config.isUsed(declaration) {
            guard let processorConfig = declaration.config as? any ProcessorConfig else { continue }
            let context = makeContext(declaration)
            let processor = try processorConfig.makeProcessor(context)
            context.health.running()
            processors[declaration.name] = processor
            stats.add(processor: processor)
        }
        for declaration in config.exporters where config.isUsed(declaration) {
            guard let exporterConfig = declaration.config as? any ExporterConfig else { continue }
            let context = makeContext(declaration)
            let delivery = exporterConfig.delivery
            let buffer = try BufferFactory.make(delivery.buffer, exporter: declaration.name, logger: context.logger)
            let exporterStats = ExporterStats()
            let loop = DeliveryLoop(
                name: declaration.name, buffer: buffer, sender: try exporterConfig.makeSender(context),
                limits: delivery.batch.limits, retry: delivery.retry.policy, concurrency: delivery.concurrency,
                stats: exporterStats, logger: context.logger)
            exporters.append(Exporter(
                context: context, buffer: buffer, service: ExporterService(buffer: buffer, loop: loop, drain: drain)))
            buffers[declaration.name] = buffer
            drain.add(buffer)
            stats.add(exporter: declaration.name, buffer: buffer, stats: exporterStats)
        }
    }

    /// Where `source`'s batches go; nil when no pipeline names it.
    func output(forSource source: String) -> SourceOutput? {
        let routes = pipelines.filter { $0.sources.contains(source) }.map { pipeline in
            SourceOutput.Route(
                pipeline: pipeline.id, signal: pipeline.signal,
                processors: pipeline.processors.compactMap { processors[$0] },
                buffers: pipeline.exporters.compactMap { buffers[$0] })
        }
        return routes.isEmpty ? nil : SourceOutput(routes: routes, resource: resource)
    }
}

/// One exporter's delivery loop as a service. On graceful shutdown the buffers are closed:
/// sources have stopped by then (ServiceGroup stops services in reverse order), each loop
/// delivers what is left and returns. If `shutdown_timeout` runs out first, the task is
/// cancelled: a disk buffer keeps the rest for the next start, a memory buffer counts it
/// as dropped.
struct ExporterService: Service {
    let buffer: any TelemetryBuffer
    let loop: DeliveryLoop
    let drain: DrainSignal

    func run() async throws {
        let drain = self.drain
        await withGracefulShutdownHandler {
            await loop.run()
        } onGracefulShutdown: {
            drain.closeAll()
        }
        // Drained because another exporter's turn closed every buffer: ServiceGroup counts a
        // service that ends before its own turn as failed, so wait for the turn (at once if
        // it has come).
        try? await gracefulShutdown()
        // After a cancelled drain the disk log still has batches out: close it now (synced),
        // leaving what was not acknowledged for the next start.
        if let disk = buffer as? DiskBuffer { await disk.closeLog() }
    }
}

/// ServiceGroup stops services one at a time. Were each exporter's buffer closed only at its
/// own turn, an exporter retrying a dead backend would hold every later exporter's drain
/// until `shutdown_timeout`; closing them all at the first turn lets healthy exporters drain
/// in parallel while the dead one retries.
final class DrainSignal: Sendable {
    private let state = Mutex<(buffers: [any TelemetryBuffer], closed: Bool)>(([], false))

    func add(_ buffer: any TelemetryBuffer) {
        state.withLock { $0.buffers.append(buffer) }
    }

    func closeAll() {
        let buffers = state.withLock { state -> [any TelemetryBuffer] in
            guard !state.closed else { return [] }
            state.closed = true
            return state.buffers
        }
        for buffer in buffers {
            Task { await buffer.close() }
        }
    }
}
