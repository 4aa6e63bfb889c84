import NIOHTTP1

/// What most HTTP backends mean by their status codes (and what the OTLP/HTTP spec asks):
/// 2xx delivered; 408, 429 and 5xx worth retrying, honouring Retry-After; any other status
/// (4xx, an unexpected 1xx or 3xx, since redirects are not followed) refuses this batch
/// for good.
public struct DefaultResponseClassifier: ResponseClassifier {
    /// How much of an error body a failure reason quotes.
    public static let quotedBodyBytes = 200

    public init() {}

    public func classify(status: Int, retryAfter: Duration?, body: [UInt8]) -> SendOutcome {
        switch status {
        case 200..<300:
            .delivered
        case 408, 429, 500..<600:
            .retryable(reason: Self.reason(status: status, body: body), retryAfter: retryAfter)
        default:
            .permanent(reason: Self.reason(status: status, body: body))
        }
    }

    /// `400 Bad Request: <the first 200 bytes of the body>`, on one line.
    public static func reason(status: Int, body: [UInt8]) -> String {
        let phrase = HTTPResponseStatus(statusCode: status).reasonPhrase
        let head = "\(status)\(phrase.isEmpty ? "" : " \(phrase)")"
        let quoted = String(decoding: body.prefix(quotedBodyBytes), as: UTF8.self)
            .map { $0.isNewline || $0 == "\t" ? " " : $0 }
        let text = String(quoted).trimmingSpaces()
        guard !text.isEmpty else { return head }
        return "\(head): \(text)\(body.count > quotedBodyBytes ? "…" : "")"
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
