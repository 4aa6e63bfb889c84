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
    let fd: Int32
    switch RawHTTP.connectLoopback(port: port, timeoutSeconds: timeoutSeconds) {
    case .success(let connected): fd = connected
    case .failure(let failure): return .connectFailed(failure.errno)
    }
    defer { close(fd) }
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
