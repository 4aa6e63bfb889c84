import CSnappy

/// Snappy's block format with the system libsnappy: what Prometheus remote_write requires
/// of a request body (`Content-Encoding: snappy`, not the framed stream format).
public enum Snappy {
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public enum Operation: String, Sendable, Hashable {
            case compress
            case decompress
        }

        public var operation: Operation
        public var inputBytes: Int
        public var message: String

        public var description: String { "snappy \(operation.rawValue) of \(inputBytes) bytes: \(message)" }
    }

    /// The block format stores the uncompressed length as a 32-bit varint.
    public static let maxInputBytes = Int(UInt32.max)

    /// `input` as one snappy block, in a single call into a buffer of the worst-case size:
    /// bodies are whole batches already in memory.
    public static func compress(_ input: [UInt8]) throws(Failure) -> [UInt8] {
        guard input.count <= maxInputBytes else {
            throw Failure(operation: .compress, inputBytes: input.count, message: "larger than the block format's 4 GiB limit")
        }
        return try run(snappy_compress, on: input, capacity: snappy_max_compressed_length(input.count), operation: .compress)
    }

    /// The bytes of one snappy block, refusing a block that claims more than `limit` bytes
    /// (a corrupt or hostile length would otherwise size the allocation).
    public static func decompress(_ input: [UInt8], limit: Int = 256 << 20) throws(Failure) -> [UInt8] {
        var length = 0
        let status = input.withUnsafeBytes { source in
            snappy_uncompressed_length(source.baseAddress?.assumingMemoryBound(to: CChar.self), source.count, &length)
        }
        guard status == SNAPPY_OK else {
            throw Failure(operation: .decompress, inputBytes: input.count, message: "no valid length header (\(describe(status)))")
        }
        guard length <= limit else {
            throw Failure(operation: .decompress, inputBytes: input.count, message: "claims \(length) bytes, more than the \(limit) allowed")
        }
        return try run(snappy_uncompress, on: input, capacity: length, operation: .decompress)
    }

    /// libsnappy's compress and uncompress take the same arguments (input, its length,
    /// output, in: its capacity / out: what was written): one call of either into a buffer
    /// of `capacity` bytes, kept only up to what it wrote.
    private static func run(
        _ call: (UnsafePointer<CChar>?, Int, UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<Int>?) -> snappy_status,
        on input: [UInt8], capacity: Int, operation: Failure.Operation
    ) throws(Failure) -> [UInt8] {
        var status = SNAPPY_OK
        let output = input.withUnsafeBytes { source in
            [UInt8](unsafeUninitializedCapacity: capacity) { target, written in
                var length = capacity
                status = target.withMemoryRebound(to: CChar.self) { target in
                    call(source.baseAddress?.assumingMemoryBound(to: CChar.self), source.count, target.baseAddress, &length)
                }
                written = status == SNAPPY_OK ? length : 0
            }
        }
        guard status == SNAPPY_OK else {
            throw Failure(operation: operation, inputBytes: input.count, message: describe(status))
        }
        return output
    }

    private static func describe(_ status: snappy_status) -> String {
        switch status {
        case SNAPPY_INVALID_INPUT: "invalid input"
        case SNAPPY_BUFFER_TOO_SMALL: "output buffer too small"
        default: "status \(status.rawValue)"
        }
    }
}
