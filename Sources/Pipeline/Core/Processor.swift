import Telemetry

/// A step between sources and exporters (`resource`, `redact`, `filter`, …). Processors are
/// pure and synchronous: they run in the sending task, on the batch in place, with no I/O
/// and no waiting, so a pipeline adds no hop per batch. A processor that removes events
/// counts them in its own metrics. Adding a processor type is one file plus its config.
public protocol Processor: Sendable {
    var name: String { get }
    func process(_ batch: inout TelemetryBatch)
    /// What the processor counts (matches, drops), for /metrics.
    var counters: [ProcessorCounter] { get }
}

extension Processor {
    public var counters: [ProcessorCounter] { [] }
}
