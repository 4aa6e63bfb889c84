import Logging
import Telemetry

/// Reads an OTLP/HTTP server's answer as the spec says
/// (opentelemetry-proto `docs/specification.md`, "OTLP/HTTP Response"):
///
/// - 2xx: delivered. The body may carry `partial_success`: rejected items are reported
///   (`partiallyDelivered`, so the loop logs the server's message and counts them
///   dropped as `rejected`); a message without rejections is a warning, logged here. A body
///   that is not a response message does not undo the delivery: it is logged.
/// - 429, 502, 503, 504: retryable, honouring Retry-After.
/// - anything else, 400 and 500 included: permanent. The spec lists only the four above
///   as retryable; a 500 is the server failing on this data, and would fail again.
///
/// Error reasons quote the server's `google.rpc.Status` message when the body is one.
public struct OTLPResponseClassifier: ResponseClassifier {
    public let signal: Signal
    public let encoding: OTLPEncoding
    let logger: Logger

    public static let retryableStatuses: Set<Int> = [429, 502, 503, 504]

    public init(signal: Signal, encoding: OTLPEncoding, logger: Logger) {
        self.signal = signal
        self.encoding = encoding
        self.logger = logger
    }

    public func classify(status: Int, retryAfter: Duration?, body: [UInt8]) -> SendOutcome {
        switch status {
        case 200..<300:
            return accepted(status: status, body: body)
        case _ where Self.retryableStatuses.contains(status):
            return .retryable(reason: reason(status: status, body: body), retryAfter: retryAfter)
        default:
            return .permanent(reason: reason(status: status, body: body))
        }
    }

    private func accepted(status: Int, body: [UInt8]) -> SendOutcome {
        let response: OTLPExportResponse
        do {
            response = try OTLPExportResponse.parse(body, signal: signal, encoding: encoding)
        } catch {
            logger.warning(
                "OTLP \(signal) endpoint answered \(status) with a body that is not an OTLP \(encoding) response; counted as delivered",
                metadata: ["error": "\(error)", "body": "\(DefaultResponseClassifier.reason(status: status, body: body))"])
            return .delivered
        }
        let items = switch signal {
        case .logs: "log records"
        case .metrics: "data points"
        case .traces: "spans"
        }
        if response.rejected > 0 {
            let message = response.errorMessage.isEmpty ? "no reason given" : response.errorMessage
            return .partiallyDelivered(
                rejected: Int(clamping: response.rejected), reason: "server rejected \(response.rejected) \(items): \(message)")
        }
        if !response.errorMessage.isEmpty {
            logger.warning(
                "OTLP \(signal) endpoint accepted all \(items) with a warning: \(response.errorMessage)",
                metadata: ["warning": "\(response.errorMessage)"])
        }
        return .delivered
    }

    /// `400 Bad Request: <the server's message>`.
    private func reason(status: Int, body: [UInt8]) -> String {
        if encoding == .protobuf, let message = GoogleRPCStatus.message(body), !message.isEmpty {
            return DefaultResponseClassifier.reason(status: status, body: Array(message.utf8))
        }
        return DefaultResponseClassifier.reason(status: status, body: body)
    }
}
