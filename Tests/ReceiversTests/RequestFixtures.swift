import CZlib
import Foundation
import OTLP
@testable import Receivers
import Telemetry

/// Request bodies under Fixtures/ (found next to this file, no resource bundle needed), and
/// the one call every decoding test makes.
enum RequestFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let receivedAt = Timestamp(nanosecondsSinceEpoch: 1_800_000_000_000_000_000)
    static let limit = 8 << 20

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(path)))
    }

    /// `requests/<name>` as a request body.
    static func request(_ name: String) throws -> [UInt8] {
        try bytes("requests/\(name)")
    }

    /// The files of `Fixtures/corpus`, sorted by name: `<signal>-<what>.<json|binpb>`.
    static func corpus() throws -> [CorpusEntry] {
        let folder = directory.appendingPathComponent("corpus")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        return try names.compactMap { name in
            guard let entry = CorpusEntry(name: name) else { return nil }
            var loaded = entry
            loaded.bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
            return loaded
        }
    }

    static func decode(
        _ body: [UInt8], _ signal: Signal, _ type: OTLPContentType, encoding: String? = nil, limit: Int = limit
    ) throws(OTLPRequestError) -> OTLPDecoded {
        try OTLPRequestDecoder.decode(
            body, signal: signal, contentType: type, contentEncoding: encoding, maxBodyBytes: limit, receivedAt: receivedAt)
    }

    /// The error a body is refused with; nil when it decodes.
    static func refusal(
        _ body: [UInt8], _ signal: Signal, _ type: OTLPContentType, encoding: String? = nil, limit: Int = limit
    ) -> OTLPRequestError? {
        do {
            _ = try decode(body, signal, type, encoding: encoding, limit: limit)
            return nil
        } catch {
            return error
        }
    }
}

/// One fuzz corpus file.
struct CorpusEntry: Sendable, CustomStringConvertible {
    var name: String
    var signal: Signal
    var contentType: OTLPContentType
    var bytes: [UInt8] = []

    init?(name: String) {
        guard let signal = Signal.allCases.first(where: { name.hasPrefix("\($0.rawValue)-") }) else { return nil }
        if name.hasSuffix(".json") {
            contentType = .json
        } else if name.hasSuffix(".binpb") {
            contentType = .protobuf
        } else {
            return nil
        }
        self.name = name
        self.signal = signal
    }

    var description: String { name }
}

/// gzip and zlib streams for request bodies, written with the system zlib as an SDK's
/// would be (the receiver has no compressor of its own to borrow).
enum TestCompression {
    /// - Parameter windowBits: 15 + 16 for gzip, 15 for zlib (`deflate`).
    static func compress(_ input: [UInt8], windowBits: Int32 = 15 + 16, level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        precondition(deflateInit2_(&stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))))
        let written = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                precondition(deflate(&stream, Z_FINISH) == Z_STREAM_END)
                return target.count - Int(stream.avail_out)
            }
        }
        return Array(output[..<written])
    }

    static func gzip(_ input: [UInt8], level: Int32 = 6) -> [UInt8] { compress(input, windowBits: 15 + 16, level: level) }
    static func zlib(_ input: [UInt8]) -> [UInt8] { compress(input, windowBits: 15) }
}

extension OTLPDecoded {
    var spans: [Span] {
        batches.flatMap { batch -> [Span] in
            if case .spans(let spans) = batch.payload { return spans }
            return []
        }
    }

    var logs: [LogRecord] {
        batches.flatMap { batch -> [LogRecord] in
            if case .logs(let records) = batch.payload { return records }
            return []
        }
    }

    var metricBatches: [MetricBatch] {
        batches.compactMap { batch in
            if case .metrics(let metrics) = batch.payload { return metrics }
            return nil
        }
    }
}

extension TraceID {
    init(_ hex: String) {
        self = TraceID(hex: Array(hex.utf8))!
    }
}

extension SpanID {
    init(_ hex: String) {
        self = SpanID(hex: Array(hex.utf8))!
    }
}
