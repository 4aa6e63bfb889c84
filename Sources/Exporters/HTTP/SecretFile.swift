#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import Telemetry

/// A secret kept in a file — a bearer token (`auth.bearer_token_file`) or a header value
/// (`headers_from_files`) — re-read whenever the file changes, so a rotated Kubernetes
/// projected token or Secret is used from its first request. The value never appears in
/// an error, a log line, /status or /metrics: failures name the file, not its content.
///
/// Every request costs one `stat`; the file is read again only when its device, inode,
/// size or modification time differ. Kubernetes rotates by swapping a symlink, which `stat`
/// follows: the inode changes even when the time stamps tie. A failed re-read (a rotation
/// half done) keeps the last good value.
final class SecretFile: Sendable {
    struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// What the file holds, for the message: `bearer token file`, `header X-Api-Key file`.
        var what: String
        var path: String
        var reason: String

        var description: String { "\(what) \(path): \(reason)" }
    }

    private struct Identity: Hashable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var seconds: Int
        var nanoseconds: Int
    }

    private struct Cached {
        var identity: Identity
        var value: String
    }

    /// Secrets are small; a larger file is a misconfiguration, not a secret.
    static let maxBytes = 64 << 10

    let path: String
    let what: String
    private let cache = Mutex<Cached?>(nil)

    init(path: String, what: String) {
        self.path = path
        self.what = what
    }

    /// The current value, trimmed of surrounding white space.
    func value() throws(Failure) -> String {
        let cached = cache.withLock { $0 }
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            if let cached { return cached.value }
            throw Failure(what: what, path: path, reason: reason)
        }
        let identity = Identity(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
            seconds: Int(info.st_mtim.tv_sec), nanoseconds: Int(info.st_mtim.tv_nsec))
        if let cached, cached.identity == identity { return cached.value }
        do throws(Failure) {
            let value = try read()
            cache.withLock { $0 = Cached(identity: identity, value: value) }
            return value
        } catch {
            if let cached { return cached.value }
            throw error
        }
    }

    private func read() throws(Failure) -> String {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.contents(of: path, limit: Self.maxBytes)
        } catch {
            throw Failure(what: what, path: path, reason: error.reason)
        }
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        let trimmed = bytes.drop(while: isSpace).reversed().drop(while: isSpace).reversed()
        guard !trimmed.isEmpty else { throw Failure(what: what, path: path, reason: "empty") }
        // A control byte would split or corrupt the header line.
        guard trimmed.allSatisfy({ $0 >= 0x20 && $0 != 0x7F }) else {
            throw Failure(what: what, path: path, reason: "contains control characters")
        }
        return String(decoding: trimmed, as: UTF8.self)
    }
}
