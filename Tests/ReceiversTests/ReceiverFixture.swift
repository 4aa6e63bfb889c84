import Foundation
import OTLP
import Pipeline
import Receivers
import Telemetry
import TestSupport

/// A receiver on 127.0.0.1 (port 0) in front of real memory buffers, one route per signal.
struct ReceiverFixture {
    let receiver: OTLPReceiver
    let buffers: [Signal: MemoryBuffer]
    let port: Int

    static let protobuf = "Content-Type: application/x-protobuf"
    static let json = "Content-Type: application/json"

    /// - Parameters:
    ///   - signals: the signals a pipeline takes from the receiver; the others answer 404.
    ///   - buffer: the buffer of every route (a new 64 MiB `block` buffer per signal if nil).
    static func start(
        signals: [Signal] = Signal.allCases, buffer: MemoryBuffer? = nil, settings: OTLPReceiverSettings = .init(port: 0)
    ) async throws -> ReceiverFixture {
        var buffers: [Signal: MemoryBuffer] = [:]
        for signal in signals { buffers[signal] = buffer ?? MemoryBuffer(maxBytes: 64 << 20, whenFull: .block) }
        let output = SourceOutput(routes: signals.map { .init(pipeline: $0.rawValue, signal: $0, processors: [], buffers: [buffers[$0]!]) })
        var settings = settings
        settings.host = "127.0.0.1"
        let receiver = OTLPReceiver(settings: settings, output: output)
        let address = try await receiver.start()
        return ReceiverFixture(receiver: receiver, buffers: buffers, port: address.port ?? 0)
    }

    func connect() throws -> HTTPConnection { try HTTPConnection(port: port) }

    /// One request on a new connection, and its answer.
    func post(_ path: String, _ body: [UInt8], headers: [String] = [protobuf]) async throws -> HTTPConnection.Reply {
        let connection = try connect()
        await connection.post(path, body, headers: headers)
        guard let reply = try await connection.readReply() else { throw RawHTTP.Failure(description: "no answer to POST \(path)") }
        return reply
    }

    /// Everything buffered for `signal` so far, taken out (and completed as delivered).
    func drain(_ signal: Signal) async -> [TelemetryBatch] {
        guard let buffer = buffers[signal] else { return [] }
        var batches: [TelemetryBatch] = []
        while buffer.stats.events > 0, let taken = await buffer.nextBatch(BatchLimits(maxEvents: .max, maxWait: .zero)) {
            batches += taken.batches
            buffer.complete(taken, delivered: true)
        }
        return batches
    }
}

/// OTLP request bodies for the tests.
enum Requests {
    static let traceID = TraceID(high: 0x0102_0304_0506_0708, low: 0x090A_0B0C_0D0E_0F10)
    static let start = Timestamp(nanosecondsSinceEpoch: 1_700_000_000_000_000_000)

    /// `resources` resources of `spansEach` spans, named `r<i>-s<j>`, service.name `svc-<i>`.
    static func spanBatches(resources: Int = 1, spansEach: Int = 2) -> [TelemetryBatch] {
        (0..<resources).map { r in
            .spans((0..<spansEach).map { s in
                Span(
                    traceID: traceID, spanID: SpanID(UInt64(r * 1000 + s + 1)), name: "r\(r)-s\(s)", kind: .server,
                    start: start, end: Timestamp(nanosecondsSinceEpoch: start.nanosecondsSinceEpoch + 1000))
            }, resource: Resource(attributes: ["service.name": .string("svc-\(r)")]))
        }
    }

    static func traces(resources: Int = 1, spansEach: Int = 2) throws -> [UInt8] {
        try OTLPSpans.request(spanBatches(resources: resources, spansEach: spansEach)).serializedBytes()
    }

    /// Two spans, the second with a 3-byte trace id: the decoder rejects it alone.
    static func tracesWithOneBadSpan() throws -> [UInt8] {
        var request = OTLPSpans.request(spanBatches(resources: 1, spansEach: 2))
        request.resourceSpans[0].scopeSpans[0].spans[1].traceID = Data([1, 2, 3])
        return try request.serializedBytes()
    }

    static func logsJSON(_ bodies: [String]) throws -> [UInt8] {
        let records = bodies.map { LogRecord(observedTimestamp: start, severity: .info, body: Array($0.utf8)) }
        return try OTLPLogs.request([.logs(records, resource: Resource(attributes: ["service.name": "checkout"]))]).jsonUTF8Bytes()
    }

    static func metrics() throws -> [UInt8] {
        let family = MetricFamily(
            name: "queue_depth", help: "", kind: .gauge,
            samples: [MetricSample(labels: ["queue": "orders"], value: 7, timestamp: start)])
        return try OTLPMetrics.request([.metrics(MetricBatch(families: [family], timestamp: start))]).serializedBytes()
    }
}

/// A google.rpc.Status read back from a protobuf body: code (field 1), message (field 2).
struct RPCStatus: Equatable {
    var code: Int
    var message: String

    init?(protobuf bytes: [UInt8]) {
        var code = 0
        var message = ""
        var index = 0
        func varint() -> Int? {
            var value = 0
            var shift = 0
            while index < bytes.count, shift < 64 {
                let byte = bytes[index]
                index += 1
                value |= Int(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
            return nil
        }
        while index < bytes.count {
            guard let key = varint() else { return nil }
            switch (key >> 3, key & 7) {
            case (1, 0): guard let value = varint() else { return nil }; code = value
            case (_, 0): guard varint() != nil else { return nil }
            case (let field, 2):
                guard let length = varint(), index + length <= bytes.count else { return nil }
                if field == 2 { message = String(decoding: bytes[index..<index + length], as: UTF8.self) }
                index += length
            default: return nil
            }
        }
        self.code = code
        self.message = message
    }

    init?(json bytes: [UInt8]) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return nil }
        code = object["code"] as? Int ?? 0
        message = object["message"] as? String ?? ""
    }
}

/// gzip of `bytes` in stored (uncompressed) deflate blocks: a valid gzip stream any
/// inflater reads, built without zlib.
func gzipStored(_ bytes: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]
    var offset = 0
    repeat {
        let count = min(65535, bytes.count - offset)
        let last: UInt8 = offset + count == bytes.count ? 1 : 0
        out += [last, UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
        out += bytes[offset..<offset + count]
        offset += count
    } while offset < bytes.count
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    crc = ~crc
    let size = UInt32(truncatingIfNeeded: bytes.count)
    for value in [crc, size] { out += (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    return out
}
