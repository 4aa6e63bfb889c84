import Telemetry

/// What a record says about itself up front: enough to account for it (events, bytes)
/// when a disk buffer reopens, without decoding the whole batch.
public struct BatchCodecHeader: Sendable, Hashable {
    public var events: Int
    /// `TelemetryBatch.estimatedBytes` when encoded: what buffers account in.
    public var estimatedBytes: Int
    /// Which signal the record holds: delivery batches hold one signal only.
    public var signal: Signal

    public init(events: Int, estimatedBytes: Int, signal: Signal) {
        self.events = events
        self.estimatedBytes = estimatedBytes
        self.signal = signal
    }
}
