import Telemetry

/// One JSON array of `TelemetryJSON` objects (`format: json_array`), for backends that
/// want a single JSON document per request.
public struct JSONArrayEncoder: BatchEncoder {
    public init() {}

    public var contentType: String { "application/json" }

    public func encode(_ batches: [TelemetryBatch]) throws(EncodingFailure) -> [UInt8] {
        var writer = TelemetryJSON(framing: .array, reservingCapacity: JSONCapacity.estimate(batches))
        for batch in batches { writer.append(batch) }
        return writer.finish()
    }
}
