import NIOCore
import NIOHTTP1
import Pipeline
import Telemetry

/// Serves one connection of the receiver: reads a request, routes it by its head, collects
/// an accepted body (never more than `maxBodyBytes`), and answers once `OTLPExport` is done.
///
/// NIO's pipelining handler in front hands over one request at a time and stops reading
/// while an answer is pending, so a connection holds at most one body. A body found too
/// large (by Content-Length, or counted as it streams) is answered 413 at once and our side
/// shut; the rest is read and dropped before the socket closes — closing with unread input
/// makes the kernel reset the connection, which can destroy the 413 before the client reads
/// it — up to `discardLimit`, past which the connection is cut. A request refused by its
/// head whose client waits for `100 Continue` is answered the same way, at once.
///
/// A request that ends its connection (`Connection: close`, or HTTP/1.0 without
/// keep-alive) is the last one served on it: anything pipelined behind it is ignored, as
/// its answer could never be sent and the SDK would send it again.
final class OTLPRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private struct Request {
        var version: HTTPVersion
        var keepAlive: Bool
        var signal: Signal?
        /// The request's own encoding, for the Status body of a 413.
        var contentType: OTLPContentType?
        var bodyBytes = 0
    }

    private enum State {
        case idle
        /// An accepted request: its body so far.
        case collecting(Request, OTLPExport, body: [UInt8])
        /// Refused by its head: the body is counted and dropped, the answer sent at its end.
        case draining(Request, OTLPHTTPResponse)
        /// Answered before its body (413, or a refusal to `Expect: 100-continue`) and our side
        /// shut: the body is dropped until its end, then we close.
        case discarding(bytes: Int)
        /// The body is complete and being decoded and sent.
        case exporting
        /// The connection's last request is answered or being answered: nothing more is read.
        case finished
    }

    /// Bodies start with at most this much room and grow as they arrive: a Content-Length
    /// is only a claim, and 256 connections claiming 8 MiB each must not reserve 2 GiB.
    static let initialBodyCapacity = 64 << 10

    /// An empty body with room for what the head claims, up to `initialBodyCapacity`.
    static func emptyBody(claiming declaredLength: Int?) -> [UInt8] {
        var body: [UInt8] = []
        if let declaredLength, declaredLength > 0 { body.reserveCapacity(min(declaredLength, initialBodyCapacity)) }
        return body
    }

    private static let discardLimit = 4 << 20

    private let output: SourceOutput
    private let settings: OTLPReceiverSettings
    private let stats: ReceiverStats
    private let clock: WallClock
    private var state = State.idle

    init(output: SourceOutput, settings: OTLPReceiverSettings, stats: ReceiverStats, clock: WallClock) {
        self.output = output
        self.settings = settings
        self.stats = stats
        self.clock = clock
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .finished = state { return }
        switch unwrapInboundIn(data) {
        case .head(let head): received(head, context: context)
        case .body(let chunk): received(chunk, context: context)
        case .end: ended(context: context)
        }
    }

    private func received(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let contentType = OTLPContentType(header: head.headers.first(name: "content-type"))
        var request = Request(version: head.version, keepAlive: head.isKeepAlive, signal: nil, contentType: contentType)
        let declaredLength = head.headers.first(name: "content-length").flatMap { Int($0) }
        switch OTLPRoute.route(head, contentType: contentType, output: output) {
        case .refuse(let signal, let response):
            request.signal = signal
            state = .draining(request, response)
        case .export(let signal, let type):
            request.signal = signal
            let export = OTLPExport(
                output: output, signal: signal, contentType: type,
                contentEncoding: head.headers.first(name: "content-encoding"), settings: settings, clock: clock)
            state = .collecting(request, export, body: Self.emptyBody(claiming: declaredLength))
        }
        // An HTTP/1.0 client cannot be sent 100 (RFC 9110 §10.1.1): its expectation is ignored.
        let expectsContinue = (head.version.major, head.version.minor) >= (1, 1)
            && head.headers[canonicalForm: "expect"].contains(where: { $0.lowercased() == "100-continue" })
        if let declaredLength, declaredLength > settings.maxBodyBytes {
            rejectTooLarge(request, context: context)
        } else if expectsContinue {
            switch state {
            case .collecting:
                // curl waits a second for this before sending a body over 1 KiB.
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
            case .draining(let request, let response):
                answerEarly(request, response, context: context)
            case .idle, .discarding, .exporting, .finished:
                break
            }
        }
    }

    private func received(_ chunk: ByteBuffer, context: ChannelHandlerContext) {
        switch state {
        case .collecting(var request, let export, var body):
            request.bodyBytes += chunk.readableBytes
            guard request.bodyBytes <= settings.maxBodyBytes else {
                rejectTooLarge(request, context: context)
                return
            }
            // Out of the state while appending, or the array is shared and copied whole.
            state = .exporting
            body.append(contentsOf: chunk.readableBytesView)
            state = .collecting(request, export, body: body)
        case .draining(var request, let response):
            request.bodyBytes += chunk.readableBytes
            if request.bodyBytes > settings.maxBodyBytes {
                rejectTooLarge(request, context: context)
            } else {
                state = .draining(request, response)
            }
        case .discarding(let bytes):
            let total = bytes + chunk.readableBytes
            state = .discarding(bytes: total)
            if total > settings.maxBodyBytes + Self.discardLimit { context.close(promise: nil) }
        case .idle, .exporting, .finished:
            break
        }
    }

    private func ended(context: ChannelHandlerContext) {
        switch state {
        case .collecting(let request, let export, let body):
            state = .exporting
            let promise = context.eventLoop.makePromise(of: (OTLPHTTPResponse, ReceiverStats.Record).self)
            promise.completeWithTask { await export.run(body) }
            promise.futureResult.assumeIsolated().whenSuccess { [self] response, record in
                var record = record
                // Gone while its export ran: not a 200 it never saw (its items were taken).
                if !context.channel.isActive { record.code = ReceiverStats.clientLeft }
                stats.record(record)
                // Set before sending: the pipelining handler hands over the next request as
                // the answer's end is written.
                state = request.keepAlive ? .idle : .finished
                send(response, version: request.version, keepAlive: request.keepAlive, context: context)
            }
        case .draining(let request, let response):
            state = request.keepAlive ? .idle : .finished
            stats.record(.init(signal: request.signal, code: Int(response.status.code), bodyBytes: request.bodyBytes))
            send(response, version: request.version, keepAlive: request.keepAlive, context: context)
        case .discarding:
            context.close(promise: nil)
        case .idle, .exporting, .finished:
            break
        }
    }

    /// A refusal to a client waiting for `100 Continue` before it sends the body: answered
    /// now (RFC 9110 §10.1.1 allows a final status instead), not after a body it may never
    /// send. The connection is not reused, so one that sends its body anyway stays in step.
    private func answerEarly(_ request: Request, _ response: OTLPHTTPResponse, context: ChannelHandlerContext) {
        state = .discarding(bytes: 0)
        stats.record(.init(signal: request.signal, code: Int(response.status.code), bodyBytes: 0))
        send(response, version: request.version, keepAlive: false, closeAfter: false, context: context)
        context.channel.close(mode: .output, promise: nil)
    }

    private func rejectTooLarge(_ request: Request, context: ChannelHandlerContext) {
        state = .discarding(bytes: request.bodyBytes)
        stats.record(.init(signal: request.signal, code: 413, bodyBytes: request.bodyBytes))
        let response = OTLPHTTPResponse.failure(
            .payloadTooLarge, "request body larger than max_body_bytes (\(settings.maxBodyBytes) bytes)", as: request.contentType)
        send(response, version: request.version, keepAlive: false, closeAfter: false, context: context)
        context.channel.close(mode: .output, promise: nil)
    }

    private func send(
        _ response: OTLPHTTPResponse, version: HTTPVersion, keepAlive: Bool, closeAfter: Bool = true, context: ChannelHandlerContext
    ) {
        guard context.channel.isActive else { return }  // the client left while its export ran
        var headers = HTTPHeaders()
        headers.reserveCapacity(4 + response.headers.count)
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: String(response.body.count))
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: response.status, headers: headers))), promise: nil)
        if !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive && closeAfter {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        // A client gone mid-body: drop what it sent. An export in flight finishes on its own
        // (its batches are the pipeline's now); its answer goes nowhere, counted as `clientLeft`.
        if case .exporting = state {} else { state = .idle }
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
