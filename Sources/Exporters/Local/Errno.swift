#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call's errno as people search for it: strerror's text plus the symbol
/// (`No space left on device (ENOSPC)`), for `SendOutcome` reasons and the agent's logs.
struct Errno: Error, Sendable, Hashable, CustomStringConvertible {
    var code: Int32

    init(_ code: Int32) {
        self.code = code
    }

    /// The calling thread's current errno.
    static var current: Errno { Errno(errno) }

    var description: String {
        let text = String(cString: strerror(code))
        return symbol.map { "\(text) (\($0))" } ?? "\(text) (errno \(code))"
    }

    /// The errors a local file or pipe write runs into; others show their number.
    private var symbol: String? {
        switch code {
        case ENOSPC: "ENOSPC"
        case EDQUOT: "EDQUOT"
        case EIO: "EIO"
        case EFBIG: "EFBIG"
        case EROFS: "EROFS"
        case EACCES: "EACCES"
        case EPERM: "EPERM"
        case ENOENT: "ENOENT"
        case ENOTDIR: "ENOTDIR"
        case EISDIR: "EISDIR"
        case EPIPE: "EPIPE"
        case EBADF: "EBADF"
        case EAGAIN: "EAGAIN"
        case EMFILE: "EMFILE"
        case ENFILE: "ENFILE"
        default: nil
        }
    }
}
