import Synchronization
import Telemetry

/// `type: blackhole`: accepts everything and keeps only counts, the far end of throughput
/// benchmarks. Never fails, never blocks.
public final class BlackholeSender: ExportSender {
    public struct Counts: Sendable, Hashable {
        public var batches = 0
        public var events = 0
        /// Encoded bytes when the sender has an encoder, else the batches' `estimatedBytes`.
        public var bytes = 0

        public init() {}
    }

    private let encoder: (any BatchEncoder)?
    private let totals = Mutex(Counts())

    /// - Parameter encoder: encode each batch as a real exporter would, so a benchmark
    ///   includes encoding and counts real bytes; nil measures the pipeline alone.
    public init(encoder: (any BatchEncoder)? = nil) {
        self.encoder = encoder
    }

    /// What was sent so far.
    public var counts: Counts { totals.withLock { $0 } }

    public func send(_ batches: [TelemetryBatch]) async -> SendOutcome {
        let events = batches.reduce(0) { $0 + $1.eventCount }
        let bytes: Int
        if let encoder, let body = try? encoder.encode(batches) {
            bytes = body.count
        } else {
            bytes = batches.reduce(0) { $0 + $1.estimatedBytes }
        }
        totals.withLock { totals in
            totals.batches += 1
            totals.events += events
            totals.bytes += bytes
        }
        return .delivered
    }
}
