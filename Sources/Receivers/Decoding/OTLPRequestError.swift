/// Why a request body was refused, as the HTTP status the receiver answers and the
/// message it puts in the `google.rpc.Status` body. Messages are short and never quote
/// more than a few bytes of the body: a hostile request must not get its megabytes echoed
/// back, or into the agent's logs.
public struct OTLPRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 400 malformed body or unsupported encoding, 413 too large (compressed or not),
    /// 500 when zlib cannot get memory to inflate.
    public var status: Int
    public var message: String

    public init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "\(status): \(message)" }

    static func badRequest(_ message: String) -> OTLPRequestError {
        OTLPRequestError(status: 400, message: message)
    }

    static func tooLarge(_ message: String) -> OTLPRequestError {
        OTLPRequestError(status: 413, message: message)
    }
}
