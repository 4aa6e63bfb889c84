import CZlib

/// Decompressing request bodies with the system zlib, never past a limit: a few kilobytes
/// of gzip can expand to gigabytes (a "zip bomb"), so output grows only as inflate fills
/// it, and inflating stops as soon as it passes `limit` bytes. The output buffer never
/// holds more than `limit + 1` bytes; while it grows, the one it replaces is held too.
enum Inflate {
    enum Format {
        /// RFC 1952, one member or several concatenated (`cat a.gz b.gz`, which gzip(1) and
        /// Go's gzip reader, so the Collector, read as one stream).
        case gzip
        /// RFC 1950, the zlib format HTTP calls `deflate`; one stream.
        case zlib

        /// zlib's windowBits: 15 (32 KiB window), plus 16 for a gzip wrapper.
        var windowBits: Int32 {
            switch self {
            case .gzip: 15 + 16
            case .zlib: 15
            }
        }

        var name: String {
            switch self {
            case .gzip: "gzip"
            case .zlib: "deflate"
            }
        }
    }

    /// The first output buffer, before doubling: about what a typical OTLP body inflates
    /// to (protobuf compresses 3–10×), so most bodies need no second allocation.
    static let initialRatio = 8
    static let minimumCapacity = 16 * 1024

    /// - Throws: 413 when the output would pass `limit` bytes; 400 for a corrupt or
    ///   truncated stream, or data after its end (gzip allows further members only).
    static func decompress(_ input: [UInt8], format: Format, limit: Int) throws(OTLPRequestError) -> [UInt8] {
        // zlib counts input in 32-bit words; nothing that large gets this far (the raw
        // body limit comes first), but a refusal beats a wrong count.
        guard input.count <= Int(UInt32.max) else { throw tooLarge(format, limit) }
        var stream = z_stream()
        let initialized = inflateInit2_(&stream, format.windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initialized == Z_OK else {
            throw OTLPRequestError(status: 500, message: "cannot start \(format.name) decompression (zlib \(initialized))")
        }
        defer { inflateEnd(&stream) }

        let limit = max(limit, 0)
        let cap = limit < Int.max ? limit + 1 : limit
        let guess = input.count <= cap / initialRatio ? input.count * initialRatio : cap
        var output = [UInt8](repeating: 0, count: min(cap, max(minimumCapacity, guess)))
        var produced = 0
        try input.withUnsafeBufferPointer { (source) throws(OTLPRequestError) in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = uInt(source.count)
            while true {
                let status = output.withUnsafeMutableBufferPointer { target in
                    let room = min(target.count - produced, Int(UInt32.max))
                    stream.next_out = target.baseAddress.map { $0 + produced }
                    stream.avail_out = uInt(room)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    produced += room - Int(stream.avail_out)
                    return status
                }
                if produced > limit { throw tooLarge(format, limit) }
                switch status {
                case Z_STREAM_END:
                    guard stream.avail_in > 0 else { return }
                    // Another gzip member follows; a zlib stream has nothing after its end.
                    guard format == .gzip else { throw .badRequest("deflate: data after the end of the compressed stream") }
                    guard inflateReset(&stream) == Z_OK else { throw corrupt(format, stream, source.count) }
                case Z_OK, Z_BUF_ERROR:
                    if produced == output.count {
                        // Full: double (the copies stay linear), at most to the cap. Reserved
                        // exactly first: an append past the capacity would double the capacity
                        // itself, to twice the limit for the last step.
                        guard output.count < cap else { throw tooLarge(format, limit) }
                        let grown = output.count + min(output.count, cap - output.count)
                        output.reserveCapacity(grown)
                        output.append(contentsOf: repeatElement(0, count: grown - output.count))
                    } else if stream.avail_in == 0 {
                        throw .badRequest("\(format.name): truncated, the body ends inside the compressed stream")
                    } else if status == Z_BUF_ERROR {
                        throw corrupt(format, stream, source.count)  // room and input, yet no progress
                    }
                case Z_NEED_DICT:
                    throw .badRequest("\(format.name): the stream needs a preset dictionary")
                case Z_MEM_ERROR:
                    throw OTLPRequestError(status: 500, message: "\(format.name): out of memory while decompressing")
                default:
                    throw corrupt(format, stream, source.count)
                }
            }
        }
        output.removeLast(output.count - produced)
        return output
    }

    private static func tooLarge(_ format: Format, _ limit: Int) -> OTLPRequestError {
        .tooLarge("body larger than \(limit) bytes after \(format.name) decompression")
    }

    /// zlib's own reason ("incorrect header check", "invalid distance too far back", …),
    /// and about where in the body it was found (zlib reads ahead a little).
    private static func corrupt(_ format: Format, _ stream: z_stream, _ inputCount: Int) -> OTLPRequestError {
        let reason = stream.msg.map { String(cString: $0) } ?? "corrupt data"
        return .badRequest("\(format.name): \(reason) (near byte \(inputCount - Int(stream.avail_in)) of the body)")
    }
}
