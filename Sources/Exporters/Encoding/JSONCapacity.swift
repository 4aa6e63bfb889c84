import Telemetry

/// A first guess at an encoded body's size, so a batch's buffer grows once or not at all
/// instead of doubling its way up (each doubling copies everything written so far).
enum JSONCapacity {
    static func estimate(_ batches: [TelemetryBatch]) -> Int {
        batches.reduce(0) { total, batch in
            // `estimatedBytes` counts the resource once, but every event repeats it; keys,
            // timestamps and punctuation of one flat log object are ~200 bytes.
            let resource = TelemetryBatch(resource: batch.resource, payload: .logs([])).estimatedBytes
            return total + batch.estimatedBytes + batch.eventCount * (200 + resource)
        }
    }
}
