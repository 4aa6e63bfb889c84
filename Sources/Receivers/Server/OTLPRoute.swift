import NIOHTTP1
import Pipeline
import Telemetry

/// What a request head asks for, decided before any body byte is read: a signal to decode,
/// or the refusal to send once its body has been drained. Pure, so tested without sockets.
enum OTLPRoute {
    case export(Signal, OTLPContentType)
    case refuse(Signal?, OTLPHTTPResponse)

    static let paths: [(path: String, signal: Signal)] = [("/v1/traces", .traces), ("/v1/logs", .logs), ("/v1/metrics", .metrics)]

    static let supportedTypes = "application/x-protobuf, application/json"

    /// - Parameter contentType: the head's `Content-Type`, parsed (nil: absent or another type).
    static func route(_ head: HTTPRequestHead, contentType: OTLPContentType?, output: SourceOutput) -> OTLPRoute {
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard let signal = paths.first(where: { $0.path == path })?.signal else {
            return .refuse(nil, .failure(
                .notFound, "no OTLP endpoint at \(Self.quoted(path)); use POST /v1/traces, /v1/logs or /v1/metrics", as: contentType))
        }
        guard head.method == .POST else {
            return .refuse(signal, .failure(
                .methodNotAllowed, "\(head.method) is not allowed on \(path); use POST", as: contentType, headers: [("Allow", "POST")]))
        }
        guard output.accepts(signal) else {
            return .refuse(signal, .failure(
                .notFound, "this receiver is not in a pipeline of \(signal): \(path) takes nothing", as: contentType))
        }
        guard let contentType else {
            let given = head.headers.first(name: "content-type").map { Self.quoted(Substring($0)) } ?? "none"
            return .refuse(signal, .failure(
                .unsupportedMediaType, "unsupported Content-Type \(given); supported: \(supportedTypes)", as: nil))
        }
        // Known from the head: the body (up to max_body_bytes) is not worth collecting first.
        do {
            _ = try OTLPContentEncoding(header: head.headers.first(name: "content-encoding"))
        } catch {
            return .refuse(signal, .failure(HTTPResponseStatus(statusCode: error.status), error.message, as: contentType))
        }
        return .export(signal, contentType)
    }

    /// A client's text in a message, quoted and cut short: a path can be 80 KB long.
    static func quoted(_ text: Substring) -> String {
        let cut = text.unicodeScalars.count > 100 ? String(text.unicodeScalars.prefix(100)) + "…" : String(text)
        return "\"" + cut + "\""
    }
}
