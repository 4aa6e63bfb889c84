#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The write loop both local senders share: all of a buffer to a descriptor, one `write(2)`
/// when the kernel takes it whole (files, and pipes with room), continuing after partial
/// writes and EINTR, and waiting in `poll(2)` when a non-blocking descriptor is full (a
/// stdout pipe another process set O_NONBLOCK on).
enum DescriptorWriter {
    struct Failure: Error, Sendable {
        var errno: Errno
        /// Bytes the kernel took before the error: a torn tail the caller may clean up.
        var written: Int
    }

    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Result<Void, Failure> {
        bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let result = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if result >= 0 {
                    written += result
                    continue
                }
                let code = errno
                switch code {
                case EINTR:
                    continue
                case EAGAIN:  // EWOULDBLOCK is the same value on Linux and Darwin
                    var waiting = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&waiting, 1, -1)
                default:
                    return .failure(Failure(errno: Errno(code), written: written))
                }
            }
            return .success(())
        }
    }
}
