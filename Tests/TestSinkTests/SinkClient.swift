import Dispatch
import Glibc
import TestSink
import TestSupport

/// Runs a sink for the length of `body`, stopped even when the body throws.
func withSink<T>(
    behavior: SinkBehavior = .healthy, extractor: SequenceExtractor = .standard,
    _ body: (TestSink) async throws -> T
) async throws -> T {
    let sink = try await TestSink.start(behavior: behavior, extractor: extractor)
    do {
        let result = try await body(sink)
        try await sink.stop()
        return result
    } catch {
        try? await sink.stop()
        throw error
    }
}

/// Blocking socket calls go to a Dispatch thread, not the (2-thread) cooperative pool.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}

/// A request with a body, `Connection: close`, over a fresh connection.
func request(
    _ path: String, port: Int, method: String = "POST", body: [UInt8] = [], contentType: String? = "application/x-ndjson",
    headers: [String] = []
) -> [UInt8] {
    var head = ["\(method) \(path) HTTP/1.1", "Host: 127.0.0.1:\(port)", "Connection: close", "Content-Length: \(body.count)"]
    if let contentType { head.append("Content-Type: \(contentType)") }
    head += headers
    return Array((head.joined(separator: "\r\n") + "\r\n\r\n").utf8) + body
}

func post(
    _ path: String = "/ingest", port: Int, body: String, contentType: String? = "application/x-ndjson", headers: [String] = []
) async throws -> RawHTTP.Response {
    try await post(path, port: port, bytes: Array(body.utf8), contentType: contentType, headers: headers)
}

func post(
    _ path: String = "/ingest", port: Int, bytes: [UInt8], contentType: String? = "application/x-ndjson", headers: [String] = []
) async throws -> RawHTTP.Response {
    let raw = request(path, port: port, body: bytes, contentType: contentType, headers: headers)
    return try await offPool { try RawHTTP.exchange(raw, port: port, timeoutSeconds: 5) }
}

func get(_ path: String, port: Int) async throws -> RawHTTP.Response {
    try await offPool { try RawHTTP.get(path, port: port) }
}

/// What one connection attempt came to, with the errno of a failure.
enum Attempt: Equatable {
    case answered([UInt8])
    case connectFailed(Int32)
    case readFailed(Int32)
    /// The server closed without a byte and without a reset.
    case closedEmpty

    var errno: Int32? {
        switch self {
        case .connectFailed(let code), .readFailed(let code): code
        default: nil
        }
    }
}

/// Connects, sends, reads to the end, distinguishing connect errors, resets and answers.
func attempt(_ bytes: [UInt8], port: Int, timeoutSeconds: Int = 5) -> Attempt {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return .connectFailed(Glibc.errno) }
    defer { close(fd) }
    var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { return .connectFailed(Glibc.errno) }
    _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    var reply: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count < 0 { return reply.isEmpty ? .readFailed(Glibc.errno) : .answered(reply) }
        if count == 0 { return reply.isEmpty ? .closedEmpty : .answered(reply) }
        reply.append(contentsOf: buffer[0..<count])
    }
}

/// NDJSON lines `{"seq":n,"stream":"s","msg":"…"}`.
func ndjson(stream: String? = nil, _ sequences: [Int]) -> String {
    sequences.map { sequence in
        let streamField = stream.map { ",\"stream\":\"\($0)\"" } ?? ""
        return "{\"seq\":\(sequence)\(streamField),\"msg\":\"line \(sequence), {not json} [x]\"}\n"
    }.joined()
}
