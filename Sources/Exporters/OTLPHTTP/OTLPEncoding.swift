import OTLP
import Telemetry

/// How an `otlp_http` exporter writes its requests (`encoding:`): OTLP/HTTP's two bodies.
public enum OTLPEncoding: String, Sendable, Hashable, CaseIterable {
    /// Binary protobuf, the default every receiver takes.
    case protobuf
    /// The OTLP/JSON mapping, for receivers behind proxies that inspect bodies.
    case json

    public var contentType: String {
        switch self {
        case .protobuf: "application/x-protobuf"
        case .json: "application/json"
        }
    }

    /// The request encoder for one signal's endpoint.
    public func encoder(for signal: Signal) -> any BatchEncoder {
        switch self {
        case .protobuf: OTLPProtobufEncoder(signal: signal)
        case .json: OTLPJSONEncoder(signal: signal)
        }
    }
}

/// Where each signal goes: the OTLP/HTTP paths, appended to a base endpoint as the
/// OpenTelemetry Collector's `otlphttp` exporter does.
public enum OTLPEndpoint {
    public static func path(_ signal: Signal) -> String {
        switch signal {
        case .logs: "/v1/logs"
        case .metrics: "/v1/metrics"
        case .traces: "/v1/traces"
        }
    }

    /// `http://collector:4318` (or `…:4318/`, or a prefix like `…/otlp`) plus the signal's
    /// path; a query (`…/otlp?tenant=a`) or fragment stays after the path.
    public static func url(base: String, signal: Signal) -> String {
        var (prefix, query) = splitQuery(base)
        while prefix.hasSuffix("/") { prefix = prefix.dropLast() }
        return String(prefix) + path(signal) + query
    }

    /// The URL up to its path's end, and the `?…`/`#…` after it (empty when there is none).
    public static func splitQuery(_ url: String) -> (path: Substring, query: Substring) {
        let end = url.firstIndex { $0 == "?" || $0 == "#" } ?? url.endIndex
        return (url[..<end], url[end...])
    }
}

/// The encoders serve one signal's endpoint: a batch of another signal there would be sent
/// to the wrong path, so it is refused, loudly.
enum OTLPSignalCheck {
    static func require(_ signal: Signal, in batches: [TelemetryBatch]) throws(EncodingFailure) {
        if let other = batches.first(where: { $0.signal != signal }) {
            throw EncodingFailure("the OTLP \(signal) endpoint was handed a \(other.signal) batch")
        }
    }
}

/// What both encoders do around writing a body: refuse another signal's batches, and leave
/// out (and report) metric samples OTLP cannot carry (`OTLPRepresentableMetrics`).
enum OTLPBody {
    static func encode(
        _ signal: Signal, _ batches: [TelemetryBatch], write: ([TelemetryBatch]) throws(EncodingFailure) -> [UInt8]
    ) throws(EncodingFailure) -> EncodedBody {
        try OTLPSignalCheck.require(signal, in: batches)
        guard signal == .metrics else { return EncodedBody(try write(batches)) }
        let representable = OTLPRepresentableMetrics(batches)
        return EncodedBody(try write(representable.batches), rejected: representable.leftOut, reason: representable.reason)
    }
}
