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

    /// `http://collector:4318` (or `…:4318/`, or a prefix like `…/otlp`) plus the signal's path.
    public static func url(base: String, signal: Signal) -> String {
        var base = Substring(base)
        while base.hasSuffix("/") { base = base.dropLast() }
        return base + path(signal)
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
