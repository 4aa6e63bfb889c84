import Logging
import Pipeline
import Receivers
import ServiceLifecycle
import Telemetry

/// Runs the receiver of an `otlp` source: binds (a taken port fails the component, naming
/// the address), serves until shutdown, then stops accepting and lets requests in flight
/// be answered before the exporters drain. Copies the receiver's counters to /metrics.
struct OTLPSource: Service {
    /// How often the receiver's counters are copied to /metrics and /status.
    static let metricsInterval = Duration.seconds(1)

    let settings: OTLPReceiverSettings
    let context: ComponentContext

    func run() async throws {
        // The runtime starts a source only when a pipeline names it, so there is an output.
        let output = context.output ?? SourceOutput(routes: [])
        let receiver = OTLPReceiver(settings: settings, output: output, clock: context.clock)
        let address = try await receiver.start()
        let signals = Signal.allCases.filter(output.accepts)
        context.logger.info("otlp receiver listening", metadata: [
            "address": "\(OTLPReceiver.render(address))",
            "signals": "\(signals.map(\.rawValue).joined(separator: ","))",
            "max_body_bytes": "\(settings.maxBodyBytes)",
        ])
        context.health.ready()
        var metrics = OTLPSourceMetrics(registry: context.metrics.registry, receiver: context.name, signals: signals)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: Self.metricsInterval) }
            } catch {
                break
            }
            publish(receiver, into: &metrics)
        }
        await receiver.stop()
        publish(receiver, into: &metrics)
        context.logger.info("otlp receiver stopped", metadata: ["address": "\(OTLPReceiver.render(address))"])
    }

    private func publish(_ receiver: OTLPReceiver, into metrics: inout OTLPSourceMetrics) {
        let accepted = metrics.update(receiver.stats.snapshot, openConnections: receiver.openConnections)
        if accepted > 0 { context.health.count("accepted_items", by: accepted) }
    }
}
