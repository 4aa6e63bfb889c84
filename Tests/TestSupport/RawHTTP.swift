#if canImport(Glibc)
import Glibc
#endif

/// A deliberately dumb HTTP/1.1 client over a plain socket: tests use it to send exactly
/// the bytes they mean, malformed requests included, and read exactly what came back.
public enum RawHTTP {
    public struct Response: Sendable, CustomStringConvertible {
        public var status: Int
        public var headers: [(name: String, value: String)]
        public var body: String
        public var raw: [UInt8]

        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        public var description: String { String(decoding: raw, as: UTF8.self) }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public var errno: Int32

        public init(description: String, errno: Int32 = 0) {
            self.description = description
            self.errno = errno
        }
    }

    /// `GET path` with `Connection: close`.
    public static func get(_ path: String, port: Int, method: String = "GET", headers: [String] = []) throws -> Response {
        let head = (["\(method) \(path) HTTP/1.1", "Host: 127.0.0.1:\(port)", "Connection: close"] + headers)
            .joined(separator: "\r\n") + "\r\n\r\n"
        return try exchange(Array(head.utf8), port: port)
    }

    /// Sends `request`, reads until the server closes (or `timeoutSeconds`), parses the reply.
    public static func exchange(_ request: [UInt8], port: Int, timeoutSeconds: Int = 10) throws -> Response {
        let raw = try sendAndReceive(request, port: port, timeoutSeconds: timeoutSeconds)
        return try parse(raw)
    }

    /// A TCP socket connected to 127.0.0.1:`port` with send and receive timeouts, or the
    /// errno of the failed step (tests of "backend down" want ECONNREFUSED itself).
    public static func connectLoopback(port: Int, timeoutSeconds: Int) -> Result<Int32, Failure> {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return .failure(Failure(description: "socket: errno \(errno)", errno: errno)) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let failure = Failure(description: "connect to 127.0.0.1:\(port): errno \(errno)", errno: errno)
            close(fd)
            return .failure(failure)
        }
        return .success(fd)
    }

    public static func sendAndReceive(_ request: [UInt8], port: Int, timeoutSeconds: Int = 10) throws -> [UInt8] {
        let fd = try connectLoopback(port: port, timeoutSeconds: timeoutSeconds).get()
        defer { close(fd) }
        var offset = 0
        while offset < request.count {
            let sent = request[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            // The server may answer and close before reading everything (413): keep what it said.
            if sent <= 0 { break }
            offset += sent
        }
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            reply.append(contentsOf: buffer[0..<count])
        }
        return reply
    }

    public static func parse(_ raw: [UInt8]) throws -> Response {
        let text = String(decoding: raw, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else {
            throw Failure(description: "no complete response head in \(raw.count) bytes: \(text.prefix(200))")
        }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw Failure(description: "bad status line: \(lines[0])")
        }
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
        var body = String(text[split.upperBound...])
        if headers.contains(where: { $0.name.lowercased() == "transfer-encoding" && $0.value.lowercased().contains("chunked") }) {
            body = dechunk(body)
        }
        return Response(status: status, headers: headers, body: body, raw: raw)
    }

    /// Joins the chunks of a `Transfer-Encoding: chunked` body (node_exporter answers so).
    static func dechunk(_ body: String) -> String {
        var bytes = Substring(body).utf8[...]
        var out: [UInt8] = []
        while let lineEnd = bytes.firstRange(of: "\r\n".utf8) {
            let sizeText = String(decoding: bytes[..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size > 0 else { break }
            let start = lineEnd.upperBound
            guard let end = bytes.index(start, offsetBy: size, limitedBy: bytes.endIndex) else { break }
            out.append(contentsOf: bytes[start..<end])
            bytes = bytes[end...].dropFirst(2)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
