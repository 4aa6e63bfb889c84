import Telemetry

/// The rest of a record larger than a delivery batch, after its head was taken: kept in
/// memory (decoded once) until later batches take it. The record's position is only
/// acknowledged when every piece completed.
struct DiskBufferRemainder {
    let position: UInt64
    var batch: TelemetryBatch
    var events: Int
    var bytes: Int
}
