import OTLP
import Telemetry

/// One signal's batches as an OTLP `Export*ServiceRequest` in binary protobuf
/// (`application/x-protobuf`), written by the OTLP module. Metric samples OTLP
/// cannot carry are left out and reported by `encodeBody` (`OTLPBody`).
public struct OTLPProtobufEncoder: BatchEncoder {
    public let signal: Signal

    public init(signal: Signal) {
        self.signal = signal
    }

    public var contentType: String { OTLPEncoding.protobuf.contentType }

    public func encode(_ batches: [TelemetryBatch]) throws(EncodingFailure) -> [UInt8] {
        try encodeBody(batches).bytes
    }

    public func encodeBody(_ batches: [TelemetryBatch]) throws(EncodingFailure) -> EncodedBody {
        try OTLPBody.encode(signal, batches, write: serialize)
    }

    /// Written straight from the batches: the same bytes as the message tree gives, without
    /// building it (OTLP/Wire).
    private func serialize(_ batches: [TelemetryBatch]) -> [UInt8] {
        switch signal {
        case .logs: OTLPLogs.serialize(batches)
        case .metrics: OTLPMetrics.serialize(batches)
        case .traces: OTLPSpans.serialize(batches)
        }
    }
}
