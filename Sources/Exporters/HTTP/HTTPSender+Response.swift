#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AsyncHTTPClient
import NIOCore

extension HTTPSender {
    /// The first `keptResponseBytes` of a response body. The rest is read and dropped up
    /// to `drainedResponseBytes`, so the connection goes back to the pool; a longer body
    /// is abandoned, which closes the connection. A body cut short does not change the
    /// status already received.
    static func readBody(_ body: HTTPClientResponse.Body) async -> [UInt8] {
        var kept: [UInt8] = []
        var read = 0
        do {
            for try await chunk in body {
                read += chunk.readableBytes
                if kept.count < keptResponseBytes {
                    kept.append(contentsOf: chunk.readableBytesView.prefix(keptResponseBytes - kept.count))
                }
                if read > drainedResponseBytes { break }
            }
        } catch {}
        return kept
    }

    /// A failed request's reason for logs and /status: which endpoint, and what happened.
    func describe(_ error: any Error) -> String {
        let target = "POST \(EndpointAuthority.redacting(configuration.endpoint))"
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded: return "\(target): no answer within \(configuration.timeout)"
            case .cancelled: return "\(target): cancelled"
            default: break
            }
        }
        if error is CancellationError { return "\(target): cancelled" }
        if let error = error as? IOError {
            // NIO's own wording ("connection reset (error set): …") misleads for a refused connect.
            return "\(target): \(String(cString: strerror(error.errnoCode))) (errno \(error.errnoCode))"
        }
        return "\(target): \(error)"
    }
}
