import Pipeline
import Telemetry

/// How one delivery attempt ended, as the shared delivery loop needs to know it.
public enum SendOutcome: Sendable, Hashable {
    case delivered
    /// Accepted, but the backend refused `rejected` of the batch's events (OTLP's
    /// `partial_success`): those are dropped and counted under `rejected`, the rest count as
    /// delivered, and nothing is retried (the backend said retrying would not help).
    case partiallyDelivered(rejected: Int, reason: String)
    /// Worth another attempt (connection refused, timeout, 408, 429, 5xx). `retryAfter` is
    /// the backend's Retry-After, which the loop honours over its own backoff.
    case retryable(reason: String, retryAfter: Duration? = nil)
    /// Will fail the same way every time (400, 401, 413, an unencodable batch): dropped and
    /// counted under `reason`, never retried.
    case permanent(reason: String)
}

/// What one exporter type supplies to the shared delivery loop (batching, concurrency,
/// retries, acknowledgements are the loop's): turn a batch into whatever the backend takes
/// and say how that went. HTTP backends supply only a `BatchEncoder` and, if the default
/// does not fit, a `ResponseClassifier`, through `HTTPSender`.
public protocol ExportSender: Sendable {
    /// One attempt to deliver `batches`. Called concurrently up to the exporter's
    /// `concurrency`; must honour task cancellation (shutdown) promptly.
    func send(_ batches: [TelemetryBatch]) async -> SendOutcome

    /// `send`, also saying how many bytes the attempt put on the wire, for
    /// `outrider_exporter_sent_bytes_total`. The delivery loop calls this one; the default
    /// reports no size, and the loop then counts the batch's estimated size.
    func attempt(_ batches: [TelemetryBatch]) async -> SendAttempt

    /// Releases connections and files when the exporter stops.
    func shutdown() async
}

extension ExportSender {
    public func attempt(_ batches: [TelemetryBatch]) async -> SendAttempt {
        SendAttempt(await send(batches))
    }

    public func shutdown() async {}
}

/// Turns a delivery batch into a request body.
public protocol BatchEncoder: Sendable {
    /// `Content-Type` of the encoded body.
    var contentType: String { get }
    /// The body alone: items `encodeBody` would report as left out are left out silently.
    func encode(_ batches: [TelemetryBatch]) throws(EncodingFailure) -> [UInt8]
    /// The body and the items the encoder left out of it. An item the backend's format
    /// cannot represent (a histogram point whose buckets do not add up) is left out and
    /// reported here rather than thrown, so that one bad item does not cost the whole
    /// delivery; `HTTPSender` counts them as rejected once the rest is delivered.
    func encodeBody(_ batches: [TelemetryBatch]) throws(EncodingFailure) -> EncodedBody
}

extension BatchEncoder {
    public func encodeBody(_ batches: [TelemetryBatch]) throws(EncodingFailure) -> EncodedBody {
        EncodedBody(try encode(batches))
    }
}

/// A batch the encoder cannot represent: dropped and counted, never retried.
public struct EncodingFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// Reads a backend's HTTP answer as a `SendOutcome`.
public protocol ResponseClassifier: Sendable {
    func classify(status: Int, retryAfter: Duration?, body: [UInt8]) -> SendOutcome
}
