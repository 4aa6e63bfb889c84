import Glibc

/// A server to scrape: `NAME=PORT:PID`.
struct ScrapeTarget {
    var name: String
    var port: UInt16
    var pid: Int32

    init?(_ spec: String) {
        let parts = spec.split(separator: "=")
        guard parts.count == 2 else { return nil }
        let address = parts[1].split(separator: ":")
        guard address.count == 2, let port = UInt16(address[0]), let pid = Int32(address[1]) else { return nil }
        self.name = String(parts[0])
        self.port = port
        self.pid = pid
    }
}

/// GET /metrics over one keep-alive connection per server, the servers taking turns, with
/// a client that costs little (a raw socket, Content-Length or chunked framing) so the
/// latency measured is the server's. Server CPU comes from /proc/PID/stat.
func scrapeBenchmark(count: Int, targets: [ScrapeTarget]) {
    var connections = targets.map { KeepAliveClient(port: $0.port) }
    var latencies = Array(repeating: [Double](), count: targets.count)
    var bodies = Array(repeating: 0, count: targets.count)
    for index in targets.indices {
        for _ in 0..<20 { _ = connections[index].get("/metrics") }  // warm up
    }
    let cpuBefore = targets.map { cpuSeconds(pid: $0.pid) }
    for _ in 0..<count {
        for index in targets.indices {
            let start = monotonicSeconds()
            bodies[index] = connections[index].get("/metrics")
            latencies[index].append(monotonicSeconds() - start)
        }
    }
    for (index, target) in targets.enumerated() {
        let cpu = cpuSeconds(pid: target.pid) - cpuBefore[index]
        let sorted = latencies[index].sorted()
        let name = String(repeating: " ", count: max(0, 14 - target.name.count)) + target.name
        print("\(name): p50 \(milliseconds(percentile(sorted, 50))) ms  p99 \(milliseconds(percentile(sorted, 99))) ms  "
            + "cpu/scrape \(milliseconds(cpu / Double(count))) ms  body \(bodies[index]) B")
    }
}

/// The least an HTTP/1.1 client can do: send a fixed request, read one response.
struct KeepAliveClient {
    let fd: Int32
    let port: UInt16
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    var pending: [UInt8] = []

    init(port: UInt16) {
        self.port = port
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        precondition(connected == 0, "cannot connect to 127.0.0.1:\(port)")
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Returns the body length.
    mutating func get(_ path: String) -> Int {
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var response: [UInt8] = pending
        pending = []
        while true {
            if let length = Self.complete(response) {
                pending = Array(response[length.total...])
                return length.body
            }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            precondition(count > 0, "connection to port \(port) closed")
            response.append(contentsOf: buffer[0..<count])
        }
    }

    /// (body length, total bytes) once a whole response is in `bytes`.
    static func complete(_ bytes: [UInt8]) -> (body: Int, total: Int)? {
        guard let headerEnd = find([13, 10, 13, 10], in: bytes, from: 0) else { return nil }
        let head = String(decoding: bytes[0..<headerEnd], as: UTF8.self).lowercased()
        let bodyStart = headerEnd + 4
        for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
            let length = Int(line.dropFirst("content-length:".count).trimmingPrefix(" ")) ?? 0
            return bytes.count >= bodyStart + length ? (length, bodyStart + length) : nil
        }
        // Chunked: walk the chunks until the zero-length one.
        var index = bodyStart
        var body = 0
        while let lineEnd = find([13, 10], in: bytes, from: index) {
            let size = Int(String(decoding: bytes[index..<lineEnd], as: UTF8.self).split(separator: ";")[0], radix: 16) ?? 0
            let next = lineEnd + 2 + size + 2
            if size == 0 { return bytes.count >= next ? (body, next) : nil }
            guard bytes.count >= next else { return nil }
            body += size
            index = next
        }
        return nil
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        var index = start
        while index <= bytes.count - needle.count {
            if bytes[index] == needle[0], Array(bytes[index..<index + needle.count]) == needle { return index }
            index += 1
        }
        return nil
    }
}
