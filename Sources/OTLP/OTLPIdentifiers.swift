#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Telemetry

// Trace and span ids as OTLP's `bytes` fields: 16 and 8 bytes, big-endian, as W3C writes
// them in hex. An empty field means "no id".

extension TraceID {
    var otlpBytes: Data {
        var data = Data(count: 16)
        data.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt64.self)
        }
        return data
    }

    /// From exactly 16 bytes; nil for any other length.
    init?(otlpBytes data: Data) {
        guard data.count == 16 else { return nil }
        let (high, low) = data.withUnsafeBytes { raw in
            (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        }
        self.init(high: UInt64(bigEndian: high), low: UInt64(bigEndian: low))
    }
}

extension SpanID {
    var otlpBytes: Data {
        var data = Data(count: 8)
        data.withUnsafeMutableBytes { $0.storeBytes(of: value.bigEndian, as: UInt64.self) }
        return data
    }

    init?(otlpBytes data: Data) {
        guard data.count == 8 else { return nil }
        self.init(UInt64(bigEndian: data.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }))
    }
}

/// Reading the optional ids of log records and parent spans: absent when empty or all
/// zero (W3C and OTLP call an all-zero id invalid, so it carries nothing), an error when
/// the length is wrong.
enum OTLPOptionalID {
    struct WrongLength: Error, CustomStringConvertible {
        var field: String
        var count: Int
        var expected: Int

        var description: String { "\(field) has \(count) bytes, not \(expected)" }
    }

    static func trace(_ data: Data, field: String) throws(WrongLength) -> TraceID? {
        if data.isEmpty { return nil }
        guard let id = TraceID(otlpBytes: data) else { throw WrongLength(field: field, count: data.count, expected: 16) }
        return id.isValid ? id : nil
    }

    static func span(_ data: Data, field: String) throws(WrongLength) -> SpanID? {
        if data.isEmpty { return nil }
        guard let id = SpanID(otlpBytes: data) else { throw WrongLength(field: field, count: data.count, expected: 8) }
        return id.isValid ? id : nil
    }

    /// What the model writes for an optional id: nothing when absent or invalid.
    static func bytes(_ id: TraceID?) -> Data {
        guard let id, id.isValid else { return Data() }
        return id.otlpBytes
    }

    static func bytes(_ id: SpanID?) -> Data {
        guard let id, id.isValid else { return Data() }
        return id.otlpBytes
    }
}

extension Timestamp {
    /// OTLP's fixed64 nanoseconds; a time before 1970 (which OTLP cannot say) is 0, "unset".
    var unixNano: UInt64 { UInt64(clamping: nanosecondsSinceEpoch) }

    init(unixNano: UInt64) {
        self.init(nanosecondsSinceEpoch: Int64(clamping: unixNano))
    }
}
