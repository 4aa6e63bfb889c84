import NIOCore
import NIOHTTP1

/// Serves one connection of the local server: reads a request, answers it from
/// `LocalRoutes`. Bodies are counted, not kept (no endpoint takes one); one larger than
/// `maxBody` gets 413 at once and our side of the connection is shut, so the client sees
/// the answer and then EOF. The rest of its body is read and dropped before the socket
/// closes — closing with unread input makes the kernel send a reset that can destroy the
/// 413 before the client reads it (nginx's "lingering close") — up to `discardLimit`,
/// past which the connection is cut.
final class LocalHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let routes: LocalRoutes
    private let maxBody: Int
    private var request: HTTPRequestHead?
    private var bodyBytes = 0
    private var rejected = false
    private static let discardLimit = 4 << 20

    init(routes: LocalRoutes, maxBody: Int) {
        self.routes = routes
        self.maxBody = maxBody
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            request = head
            bodyBytes = 0
            rejected = false
            if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > maxBody {
                reject(context: context)
            }
        case .body(let chunk):
            bodyBytes += chunk.readableBytes
            if rejected {
                if bodyBytes > maxBody + Self.discardLimit { context.close(promise: nil) }
            } else if bodyBytes > maxBody {
                reject(context: context)
            }
        case .end:
            if rejected {
                context.close(promise: nil)
                return
            }
            guard let head = request else { return }
            request = nil
            let response = routes.respond(method: head.method, uri: head.uri)
            send(response, context: context, version: head.version, keepAlive: head.isKeepAlive, includeBody: head.method != .HEAD)
        }
    }

    private func reject(context: ChannelHandlerContext) {
        rejected = true
        let version = request?.version ?? .http1_1
        let response = LocalResponse.text(.payloadTooLarge, "413 request body larger than \(maxBody) bytes")
        send(response, context: context, version: version, keepAlive: false, includeBody: true, closeAfter: false)
        let channel = context.channel
        context.flush()
        channel.close(mode: .output, promise: nil)
    }

    private func send(
        _ response: LocalResponse, context: ChannelHandlerContext, version: HTTPVersion, keepAlive: Bool, includeBody: Bool,
        closeAfter: Bool = true
    ) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: String(response.body.count))
        headers.add(name: "Cache-Control", value: "no-store")
        for (name, value) in response.extraHeaders { headers.add(name: name, value: value) }
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: response.status, headers: headers))), promise: nil)
        if includeBody, !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive && closeAfter {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
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
