#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TestSupport

/// One keep-alive HTTP/1.1 connection to 127.0.0.1 over a plain socket: requests go out as
/// the exact bytes given, responses come back with their body as bytes (a protobuf body is
/// not text). Only Content-Length bodies are read, which is all the receiver sends.
///
/// Every socket call runs on a thread of its own: a blocking `recv` on the cooperative pool
/// (two threads here) would starve the receiver's own export tasks while it waits for them,
/// and Dispatch's global queue is as narrow.
// @unchecked: one test drives a connection, one call at a time; the lock-free state is its own.
final class HTTPConnection: @unchecked Sendable {
    struct Reply: Sendable, CustomStringConvertible {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        var text: String { String(decoding: body, as: UTF8.self) }
        var description: String { "\(status) \(headers) \(text)" }
    }

    private let fd: Int32
    private var pending: [UInt8] = []

    init(port: Int, timeoutSeconds: Int = 10) throws {
        fd = try RawHTTP.connectLoopback(port: port, timeoutSeconds: timeoutSeconds).get()
    }

    deinit { close(fd) }

    /// Sends all of `bytes`; false if the server stopped taking them (it closed or reset).
    @discardableResult
    func send(_ bytes: [UInt8]) async -> Bool {
        await offPool { self.sendNow(bytes) }
    }

    /// `POST path` with `body` and Content-Length, plus `headers` ("Name: value").
    @discardableResult
    func post(_ path: String, _ body: [UInt8], headers: [String]) async -> Bool {
        await send(Self.request("POST", path, body, headers: headers))
    }

    static func request(_ method: String, _ path: String, _ body: [UInt8], headers: [String]) -> [UInt8] {
        let head = (["\(method) \(path) HTTP/1.1", "Host: 127.0.0.1", "Content-Length: \(body.count)"] + headers)
            .joined(separator: "\r\n") + "\r\n\r\n"
        return Array(head.utf8) + body
    }

    /// The next response, skipping `100 Continue` unless `interim`; nil if the connection
    /// ends first.
    func readReply(interim: Bool = false) async throws -> Reply? {
        try await offPool { try self.readReplyNow(interim: interim) }
    }

    /// True when the server has closed the connection (EOF or reset) within the timeout.
    func isClosedByServer() async -> Bool {
        await offPool { self.isClosedNow() }
    }

    private func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    private func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    private func sendNow(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    private func readReplyNow(interim: Bool) throws -> Reply? {
        while true {
            guard let headEnd = try fill(until: { $0.firstRange(of: [13, 10, 13, 10]) }) else { return nil }
            let headText = String(decoding: pending[..<headEnd.lowerBound], as: UTF8.self)
            let lines = headText.split(separator: "\r\n", omittingEmptySubsequences: false)
            let statusParts = lines[0].split(separator: " ")
            guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
                throw RawHTTP.Failure(description: "bad status line: \(lines[0])")
            }
            let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            pending.removeSubrange(..<headEnd.upperBound)
            if status == 100 {
                if interim { return Reply(status: status, headers: headers, body: []) }
                continue
            }
            let length = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
            guard try fill(until: { $0.count >= length ? length : nil }) != nil else {
                throw RawHTTP.Failure(description: "connection ended inside a \(length)-byte body")
            }
            let body = Array(pending[..<length])
            pending.removeSubrange(..<length)
            return Reply(status: status, headers: headers, body: body)
        }
    }

    private func isClosedNow() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { return true }
            if count < 0 { return errno == ECONNRESET }
            pending.append(contentsOf: buffer[0..<count])
        }
    }

    private func fill<T>(until found: ([UInt8]) -> T?) throws -> T? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            if let result = found(pending) { return result }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { return nil }
            if count < 0 {
                if errno == ECONNRESET { return nil }
                throw RawHTTP.Failure(description: "recv: errno \(errno)", errno: errno)
            }
            pending.append(contentsOf: buffer[0..<count])
        }
    }
}
