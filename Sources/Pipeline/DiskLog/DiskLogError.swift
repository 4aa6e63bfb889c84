#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a disk log operation failed. `.full` is the only expected one in steady state: the
/// buffer owner treats it as back-pressure and retries after acknowledgements free space.
public enum DiskLogError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The batch does not fit: `maxTotalBytes` is reached, or the filesystem said ENOSPC or
    /// EDQUOT. Nothing of the batch was kept. `available` is what is left under the cap
    /// (or on the filesystem, for ENOSPC/EDQUOT).
    case full(needed: Int, available: Int)
    /// One record can never fit in a segment; retrying cannot help.
    case recordTooLarge(bytes: Int, limit: Int)
    /// The whole batch is larger than `maxTotalBytes`, so it could never fit even in an
    /// empty log; split it. Separate from `.full` so a caller never waits forever.
    case batchTooLarge(bytes: Int, limit: Int)
    /// A system call failed.
    case io(path: String, operation: String, errno: Int32)
    /// Bytes on disk do not match their checksum while reading (media damage after open).
    /// Reopening the log truncates there.
    case corrupt(path: String, offset: Int, reason: String)
    /// Another process (or another `DiskLog` in this one) holds the directory.
    case locked(path: String)
    /// `acknowledge(through:)` named a position that was never appended.
    case positionOutOfRange(position: UInt64, nextPosition: UInt64)
    case invalidConfiguration(String)
    case closed

    public var description: String {
        switch self {
        case let .full(needed, available):
            return "disk log full: \(needed) bytes needed, \(available) available"
        case let .recordTooLarge(bytes, limit):
            return "record of \(bytes) bytes exceeds the \(limit)-byte limit"
        case let .batchTooLarge(bytes, limit):
            return "batch of \(bytes) bytes exceeds the log's total capacity of \(limit) bytes"
        case let .io(path, operation, code):
            return "\(path): \(operation): \(String(cString: strerror(code)))"
        case let .corrupt(path, offset, reason):
            return "\(path): corrupt at offset \(offset): \(reason)"
        case let .locked(path):
            return "\(path): locked by another disk log"
        case let .positionOutOfRange(position, nextPosition):
            return "position \(position) was never appended (next position is \(nextPosition))"
        case let .invalidConfiguration(reason):
            return "invalid disk log configuration: \(reason)"
        case .closed:
            return "disk log is closed"
        }
    }

    /// ENOSPC and EDQUOT are capacity, not failure: they become `.full` (back-pressure).
    static func isOutOfSpace(_ code: Int32) -> Bool {
        code == ENOSPC || code == EDQUOT
    }
}
