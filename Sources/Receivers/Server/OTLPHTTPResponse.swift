import NIOHTTP1
import OTLP
import Telemetry

/// One complete answer of the receiver. OTLP bodies are small (a response message or a
/// Status), so they are built whole.
struct OTLPHTTPResponse: Sendable {
    var status: HTTPResponseStatus
    var contentType: String
    var body: [UInt8]
    var headers: [(name: String, value: String)] = []

    /// 200 with the signal's Export*ServiceResponse, `partial_success` set when the decoder
    /// left items out.
    static func success(_ signal: Signal, partial: OTLPPartialSuccess, as type: OTLPContentType) -> OTLPHTTPResponse {
        OTLPHTTPResponse(
            status: .ok, contentType: type.headerValue, body: OTLPResponseBody.success(signal: signal, partial: partial, as: type))
    }

    /// A failure, as the OTLP spec asks: a google.rpc.Status in the request's encoding. A
    /// request in neither encoding (or none) gets the message as text, which any client reads.
    static func failure(
        _ status: HTTPResponseStatus, _ message: String, as type: OTLPContentType?, headers: [(name: String, value: String)] = []
    ) -> OTLPHTTPResponse {
        guard let type else {
            return OTLPHTTPResponse(
                status: status, contentType: "text/plain; charset=utf-8", body: Array("\(status.code) \(message)\n".utf8),
                headers: headers)
        }
        let body = OTLPResponseBody.status(code: rpcCode(status), message: message, as: type)
        return OTLPHTTPResponse(status: status, contentType: type.headerValue, body: body, headers: headers)
    }

    /// The google.rpc.Code a Status carries for an HTTP status, as gRPC maps them.
    static func rpcCode(_ status: HTTPResponseStatus) -> Int32 {
        switch status.code {
        case 400, 415: 3  // INVALID_ARGUMENT
        case 404: 5  // NOT_FOUND
        case 405: 12  // UNIMPLEMENTED
        case 413, 429: 8  // RESOURCE_EXHAUSTED
        case 503: 14  // UNAVAILABLE
        default: 2  // UNKNOWN
        }
    }
}
