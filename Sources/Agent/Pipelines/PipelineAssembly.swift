import AsyncHTTPClient
import Exporters
import Logging
import Pipeline
import ServiceLifecycle
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

    /// - Parameter makeContext: the context a component is built with (logger, health, …).
    init(
        config: AgentConfig, stats: PipelineStats,
        makeContext: (ComponentDeclaration) -> ComponentContext
    ) throws {
        pipelines = config.pipelines
        resource = config.service.resource
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
            exporters.append(Exporter(context: context, buffer: buffer, service: ExporterService(buffer: buffer, loop: loop)))
            buffers[declaration.name] = buffer
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

/// One exporter's delivery loop as a service. On graceful shutdown its buffer is closed:
/// sources have stopped by then (ServiceGroup stops services in reverse order), the loop
/// delivers what is left and returns. If `shutdown_timeout` runs out first, the task is
/// cancelled: a disk buffer keeps the rest for the next start, a memory buffer counts it
/// as dropped.
struct ExporterService: Service {
    let buffer: any TelemetryBuffer
    let loop: DeliveryLoop

    func run() async throws {
        let buffer = self.buffer
        await withGracefulShutdownHandler {
            await loop.run()
        } onGracefulShutdown: {
            Task { await buffer.close() }
        }
        // After a cancelled drain the disk log still has batches out: close it now (synced),
        // leaving what was not acknowledged for the next start.
        if let disk = buffer as? DiskBuffer { await disk.closeLog() }
    }
}
