import OTLP
import SwiftProtobuf
import Telemetry

/// One signal's batches as an OTLP `Export*ServiceRequest` in binary protobuf
/// (`application/x-protobuf`), built by the OTLP module's conversion. Metric samples OTLP
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

    private func serialize(_ batches: [TelemetryBatch]) throws(EncodingFailure) -> [UInt8] {
        do {
            switch signal {
            case .logs: return try OTLPLogs.request(batches).serializedBytes()
            case .metrics: return try OTLPMetrics.request(batches).serializedBytes()
            case .traces: return try OTLPSpans.request(batches).serializedBytes()
            }
        } catch {
            // Only a message beyond protobuf's 2 GiB limit fails here.
            throw EncodingFailure("cannot serialize the OTLP \(signal) request: \(error)")
        }
    }
}
