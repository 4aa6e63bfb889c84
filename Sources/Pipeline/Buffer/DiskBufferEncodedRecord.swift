import Telemetry

/// One record ready for the log, with the sizes its accounting needs.
struct DiskBufferEncodedRecord {
    var bytes: [UInt8]
    var events: Int
    var estimatedBytes: Int
    var signal: Signal

    /// Encodes `batch` as one record, or as several when it is larger than a log record may
    /// be (split in halves by events). A single event that still does not fit is given up:
    /// its count comes back as `dropped`, for the caller to count.
    static func encode(_ batch: TelemetryBatch, events: Int, bytes: Int, limit: Int) -> (records: [Self], dropped: Int) {
        let encoded = BatchCodec.encode(batch, events: events, estimatedBytes: bytes)
        if encoded.count <= limit {
            return ([Self(bytes: encoded, events: events, estimatedBytes: bytes, signal: batch.signal)], 0)
        }
        guard events > 1 else { return ([], events) }
        var tail = batch
        let head = tail.removeFirst(events / 2)
        let first = encode(head, events: head.eventCount, bytes: head.estimatedBytes, limit: limit)
        let second = encode(tail, events: tail.eventCount, bytes: tail.estimatedBytes, limit: limit)
        return (first.records + second.records, first.dropped + second.dropped)
    }
}
