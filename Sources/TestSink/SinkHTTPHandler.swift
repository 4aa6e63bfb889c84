import NIOCore
import NIOHTTP1

/// Serves one connection of the sink.
///
/// Ingest (any path outside `/_control/`): the fault, delay and size limits are decided
/// when the head arrives. An accepted body is scanned as it streams in (a compressed one
/// is held, up to the size limit, and decoded at its end), its lines are recorded when the
/// request is complete, and the answer is `200 {"lines":N}` — after the delay, scheduled on
/// the event loop. A fault answers its status (with `Retry-After`) or resets the
/// connection, also after the delay; the body is read and dropped. A Loki push
/// (`LokiPush.path`) is held whole and schema-checked at its end: `200 {"entries":N}` or
/// `400` with the reason.
///
/// Control (same port, not counted, never faulted or delayed):
/// - `GET /_control/stats`: `SinkStats.json`.
/// - `GET /_control/behavior`: the behavior as JSON.
/// - `POST /_control/behavior`: sets the whole behavior from the query string and/or the
///   body (a flat JSON object or `a=1&b=2`), see `SinkBehavior.init(parameters:)`, e.g.
///   `curl -XPOST 'localhost:9999/_control/behavior?fail=503&retry_after=2&count=5'`.
///   An empty parameter list restores `healthy`.
/// - `POST /_control/clear`: zeroes the stats.
/// - `POST /_control/down?seconds=2&mode=refuse|reset`: answers, then goes down for that
///   long (`TestSink.goDown`).
final class SinkHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum Phase {
        case idle
        case control
        case accept
        /// A Loki push: held whole (up to the size limit), checked against the schema at its end.
        case loki
        case fault(SinkBehavior.Fault)
        case tooLarge
        case unsupported(HTTPResponseStatus, String)
    }

    private enum Encoding {
        case identity
        case gzip
        case deflate
        /// Snappy (Prometheus remote_write): accepted and counted in bytes, not decoded, so
        /// it has no lines.
        case snappy
    }

    private let sink: TestSink
    private var phase = Phase.idle
    private var head: HTTPRequestHead?
    private var delay = TimeAmount.zero
    private var maxBody = 0
    private var maxDecompressed = 0
    private var bodyBytes = 0
    private var encoding = Encoding.identity
    private var compressed: [UInt8] = []
    private var controlBody: [UInt8] = []
    private var tenant: String?
    private var scanner: LineScanner
    private var pending: Scheduled<Void>?

    /// Past the limit, a rejected body is read and dropped up to this much more, then cut.
    private static let discardLimit = 4 << 20
    private static let maxControlBody = 64 << 10

    init(sink: TestSink) {
        self.sink = sink
        self.scanner = LineScanner(extractor: sink.extractor)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            begin(head, context: context)
        case .body(let chunk):
            body(chunk, context: context)
        case .end:
            end(context: context)
        }
    }

    // MARK: Request parts

    private func begin(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        self.head = head
        bodyBytes = 0
        compressed = []
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        if path.hasPrefix("/_control/") {
            phase = .control
            controlBody = []
            return
        }
        let contentType = head.headers.first(name: "content-type").map(Self.mediaType)
        let admission = sink.admit(path: path, contentType: contentType)
        delay = .nanoseconds(admission.delay.nanoseconds)
        maxBody = admission.maxBody
        maxDecompressed = admission.maxDecompressed
        if let fault = admission.fault {
            phase = .fault(fault)
            continueIfExpected(head, context: context)
            return
        }
        switch head.headers.first(name: "content-encoding").map(Self.mediaType) {
        case nil, "identity", "": encoding = .identity
        case "gzip", "x-gzip": encoding = .gzip
        case "deflate": encoding = .deflate
        case "snappy": encoding = .snappy
        case let other?:
            phase = .unsupported(.unsupportedMediaType, "unsupported content-encoding \(other)")
            return
        }
        if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > maxBody {
            rejectTooLarge(context: context)
            return
        }
        if path == LokiPush.path {
            guard contentType == "application/json", encoding != .snappy else {
                phase = .unsupported(.unsupportedMediaType, "\(LokiPush.path) takes application/json, got \(contentType ?? "no content type")")
                return
            }
            phase = .loki
            tenant = head.headers.first(name: "x-scope-orgid")
            continueIfExpected(head, context: context)
            return
        }
        phase = .accept
        let json = contentType.map { ($0.hasSuffix("/json") || $0.hasSuffix("+json")) } ?? false
        scanner.reset(framing: json ? .json : .lines)
        continueIfExpected(head, context: context)
    }

    /// `Expect: 100-continue` (curl sends it for large bodies) gets its interim answer at
    /// once, not after the client's own timeout.
    private func continueIfExpected(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard head.headers[canonicalForm: "expect"].contains(where: { $0.lowercased() == "100-continue" }) else { return }
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
    }

    private func body(_ chunk: ByteBuffer, context: ChannelHandlerContext) {
        bodyBytes += chunk.readableBytes
        switch phase {
        case .accept:
            if bodyBytes > maxBody {
                rejectTooLarge(context: context)
            } else if encoding == .snappy {
                scanner.addBytes(chunk.readableBytes)
            } else if encoding != .identity {
                compressed.append(contentsOf: chunk.readableBytesView)
            } else {
                chunk.withUnsafeReadableBytes { scanner.feed($0) }
            }
        case .loki:
            if bodyBytes > maxBody {
                rejectTooLarge(context: context)
            } else {
                compressed.append(contentsOf: chunk.readableBytesView)
            }
        case .control:
            if controlBody.count + chunk.readableBytes <= Self.maxControlBody {
                controlBody.append(contentsOf: chunk.readableBytesView)
            } else {
                phase = .unsupported(.payloadTooLarge, "control body larger than \(Self.maxControlBody) bytes")
            }
        case .tooLarge:
            if bodyBytes > maxBody + Self.discardLimit { context.close(promise: nil) }
        case .idle, .fault, .unsupported:
            break
        }
    }

    private func end(context: ChannelHandlerContext) {
        guard let head else { return }
        self.head = nil
        let phase = self.phase
        self.phase = .idle
        switch phase {
        case .idle:
            break
        case .control:
            control(head, context: context)
        case .tooLarge:
            context.close(promise: nil)
        case .unsupported(let status, let message):
            sink.reject(Int(status.code), wireBytes: bodyBytes)
            respond(context: context, head: head, status: status, body: Self.error(message))
        case .fault(.status(let code, let retryAfter)):
            sink.reject(code, wireBytes: bodyBytes)
            let status = HTTPResponseStatus(statusCode: code)
            later(context) { [self] in
                respond(
                    context: context, head: head, status: status, body: Self.error("\(code) injected by outrider-sink"),
                    extraHeaders: retryAfter.map { [("Retry-After", String($0))] } ?? []
                )
            }
        case .fault(.reset):
            sink.countWire(bodyBytes)
            let channel = context.channel
            later(context) { [sink] in sink.resetConnection(channel) }
        case .accept:
            acceptBody(head, context: context)
        case .loki:
            acceptLoki(head, context: context)
        }
    }

    /// A Loki push: decoded, checked against the push API's schema (400 with the reason
    /// if it fails), then each entry's line counted and sequence-checked as a line, and its
    /// stream labels and tenant recorded.
    private func acceptLoki(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        var body = compressed
        compressed = []
        let isCompressed = encoding == .gzip || encoding == .deflate
        if isCompressed {
            var decoded: [UInt8] = []
            guard decompress(body, head: head, context: context, emit: { decoded.append(contentsOf: $0) }) else { return }
            body = decoded
        }
        let push: LokiPush
        do {
            push = try LokiPush(body)
        } catch {
            sink.reject(400, wireBytes: bodyBytes)
            later(context) { [self] in
                respond(context: context, head: head, status: .badRequest, body: Self.error("invalid Loki push: \(error)"))
            }
            return
        }
        scanner.reset(framing: .lines)
        for stream in push.streams {
            for entry in stream.entries {
                var line = entry.line
                line.withUTF8 { scanner.addFramed(UnsafeRawBufferPointer($0)) }
            }
        }
        scanner.addBytes(body.count)
        sink.acceptLoki(push, tenant: tenant, scanner: scanner, wireBytes: bodyBytes, compressed: isCompressed)
        let answer = "{\"entries\":\(push.entryCount)}"
        later(context) { [self] in
            respond(context: context, head: head, status: .ok, body: answer)
        }
    }

    private func acceptBody(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let isCompressed = encoding == .gzip || encoding == .deflate
        if isCompressed {
            let input = compressed
            compressed = []
            guard decompress(input, head: head, context: context, emit: { self.scanner.feed($0) }) else { return }
        }
        scanner.finish()
        sink.accept(scanner, wireBytes: bodyBytes, compressed: isCompressed)
        let body = "{\"lines\":\(scanner.lines)}"
        later(context) { [self] in
            respond(context: context, head: head, status: .ok, body: body)
        }
    }

    /// A gzip or deflate body, decoded through `emit` as it inflates. A corrupt body, or one
    /// that inflates past the limit, is answered here (400 / 413, counted as rejected) and
    /// gives false: the caller stops.
    private func decompress(
        _ input: [UInt8], head: HTTPRequestHead, context: ChannelHandlerContext, emit: (UnsafeRawBufferPointer) -> Void
    ) -> Bool {
        do {
            _ = encoding == .gzip
                ? try Inflater.gunzip(input, limit: maxDecompressed, emit: emit)
                : try Inflater.inflate(input, limit: maxDecompressed, emit: emit)
            return true
        } catch {
            let status: HTTPResponseStatus = error == .tooLarge ? .payloadTooLarge : .badRequest
            sink.reject(Int(status.code), wireBytes: bodyBytes)
            later(context) { [self] in
                respond(context: context, head: head, status: status, body: Self.error("cannot decode \(encoding) body: \(error)"))
            }
            return false
        }
    }

    /// 413 at once, our side of the connection shut after it; the rest of the body is read
    /// and dropped (up to `discardLimit`) so that closing does not reset the connection
    /// before the client has read the answer.
    private func rejectTooLarge(context: ChannelHandlerContext) {
        phase = .tooLarge
        sink.reject(413, wireBytes: bodyBytes)
        guard let head else { return }
        respond(
            context: context, head: head, status: .payloadTooLarge, body: Self.error("body larger than \(maxBody) bytes"),
            keepAlive: false, closeAfter: false
        )
        context.channel.close(mode: .output, promise: nil)
    }

    // MARK: Control

    private func control(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let parts = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = parts[0]
        var parameters = parts.count > 1 ? QueryString.parse(parts[1]) : []
        let bodyStart = controlBody.firstIndex { !LineFields.isSpace($0) }
        if let bodyStart {
            if controlBody[bodyStart] == UInt8(ascii: "{") {
                guard let pairs = try? FlatJSON.parse(controlBody) else {
                    respond(context: context, head: head, status: .badRequest, body: Self.error("body is not a flat JSON object"))
                    return
                }
                parameters += pairs
            } else {
                parameters += QueryString.parse(Substring(decoding: controlBody, as: UTF8.self))
            }
        }
        let value = { (name: String) in parameters.last { $0.0.lowercased() == name }?.1 }
        switch (head.method, path) {
        case (.GET, "/_control/stats"):
            respond(context: context, head: head, status: .ok, body: sink.stats.json)
        case (.GET, "/_control/behavior"):
            respond(context: context, head: head, status: .ok, body: sink.behavior.json)
        case (.POST, "/_control/behavior"), (.PUT, "/_control/behavior"):
            do {
                let behavior = try SinkBehavior(parameters: parameters)
                sink.behavior = behavior
                respond(context: context, head: head, status: .ok, body: behavior.json)
            } catch {
                respond(context: context, head: head, status: .badRequest, body: Self.error(error.description))
            }
        case (.POST, "/_control/clear"):
            sink.clearStats()
            respond(context: context, head: head, status: .ok, body: "{}")
        case (.POST, "/_control/down"):
            guard let duration = SinkBehavior.parseDuration(value("seconds") ?? value("for") ?? "1", defaultUnit: .seconds(1)),
                  let mode = TestSink.DownMode(rawValue: value("mode") ?? "refuse") else {
                respond(context: context, head: head, status: .badRequest, body: Self.error("down: seconds=<duration> mode=refuse|reset"))
                return
            }
            let sink = self.sink
            respond(context: context, head: head, status: .ok, body: "{\"downMs\":\(Int(duration.milliseconds))}", keepAlive: false) {
                Task { try? await sink.goDown(for: duration, mode: mode) }
            }
        default:
            respond(context: context, head: head, status: .notFound, body: Self.error("no control endpoint \(head.method) \(path)"))
        }
    }

    // MARK: Answering

    /// Runs `work` after the delay, on the event loop; at once without one.
    private func later(_ context: ChannelHandlerContext, _ work: @escaping () -> Void) {
        guard delay > .zero else {
            work()
            return
        }
        pending = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [weak self] in
            self?.pending = nil
            work()
        }
    }

    private func respond(
        context: ChannelHandlerContext, head: HTTPRequestHead, status: HTTPResponseStatus, body: String,
        extraHeaders: [(String, String)] = [], keepAlive: Bool? = nil, closeAfter: Bool = true,
        then: (@Sendable () -> Void)? = nil
    ) {
        let keepAlive = keepAlive ?? head.isKeepAlive
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if head.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        let channel = context.channel
        if !keepAlive && closeAfter {
            done.whenComplete { _ in
                channel.close(promise: nil)
                then?()
            }
        } else if let then {
            done.whenComplete { _ in then() }
        }
    }

    private static func error(_ message: String) -> String {
        var writer = JSONWriter()
        writer.object { $0.field("error", message) }
        return writer.text
    }

    /// `Application/JSON; charset=utf-8` → `application/json`.
    private static func mediaType(_ value: String) -> String {
        let type = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return String(type).lowercased().trimmingSpaces()
    }

    // MARK: Connection events

    func channelInactive(context: ChannelHandlerContext) {
        pending?.cancel()
        pending = nil
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
