import CZlib

/// gzip (RFC 1952) with the system zlib: request bodies for `compression: gzip`.
public enum Gzip {
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public var code: Int32
        public var message: String

        public var description: String { "gzip: \(message) (zlib \(code))" }
    }

    /// The whole of `input` as one gzip member. One `deflate` call into a buffer of
    /// `deflateBound` bytes: bodies are whole batches, already in memory, so nothing is
    /// gained by streaming.
    /// - Parameter level: 0 (store) to 9 (smallest); 6 is zlib's default balance.
    public static func compress(_ input: [UInt8], level: Int = 6) throws(Failure) -> [UInt8] {
        guard (0...9).contains(level) else { throw Failure(code: Z_STREAM_ERROR, message: "level \(level) not in 0...9") }
        guard input.count <= Int(UInt32.max) else { throw Failure(code: Z_BUF_ERROR, message: "\(input.count) bytes is too large") }
        var stream = z_stream()
        // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
        let initialized = deflateInit2_(
            &stream, Int32(level), Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initialized == Z_OK else { throw Failure(code: initialized, message: "cannot initialize deflate") }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        var status: Int32 = Z_OK
        let output = input.withUnsafeBufferPointer { source in
            [UInt8](unsafeUninitializedCapacity: bound) { target, written in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                status = deflate(&stream, Z_FINISH)
                written = status == Z_STREAM_END ? target.count - Int(stream.avail_out) : 0
            }
        }
        guard status == Z_STREAM_END else { throw Failure(code: status, message: "deflate did not finish") }
        return output
    }
}
