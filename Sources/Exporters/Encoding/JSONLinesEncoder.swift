import Telemetry

/// JSON lines (one `TelemetryJSON` object per event, each ending in `\n`): the default
/// format of the `http`, `file` and `stdout` exporters.
public struct JSONLinesEncoder: BatchEncoder {
    public init() {}

    public var contentType: String { "application/x-ndjson" }

    public func encode(_ batches: [TelemetryBatch]) throws(EncodingFailure) -> [UInt8] {
        var writer = TelemetryJSON(framing: .lines, reservingCapacity: JSONCapacity.estimate(batches))
        for batch in batches { writer.append(batch) }
        return writer.finish()
    }
}
