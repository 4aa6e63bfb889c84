import Testing
@testable import Pipeline
import Telemetry
import TestSupport

/// Decoding is fed bytes from disk, which may be anything: every failure is a typed error.
@Suite("BatchCodec: garbage and truncation")
struct BatchCodecGarbageTests {
    static func sample() -> [[UInt8]] {
        let ts = Timestamp(nanosecondsSinceEpoch: 1_700_000_000_000_000_000)
        let logs = TelemetryBatch.logs(
            [LogRecord(timestamp: ts, observedTimestamp: ts, severity: .warn, body: Array("hello".utf8),
                       attributes: BatchCodecTests.nested, traceID: TraceID(high: 1, low: 2), spanID: SpanID(3),
                       scope: InstrumentationScope(name: "s", version: "1")),
             LogRecord(observedTimestamp: ts, body: [1, 2, 3])],
            resource: BatchCodecTests.resource)
        var family = MetricFamily(name: "m", help: "h", kind: .counter, unit: "1")
        family.add(1, ["a": "b"])
        family.add(2, ["a": "c"])
        let metrics = TelemetryBatch.metrics(MetricBatch(families: [family], timestamp: ts))
        let spans = TelemetryBatch.spans([Span(
            traceID: TraceID(high: 1, low: 1), spanID: SpanID(2), parentSpanID: SpanID(1), name: "n", start: ts, end: ts,
            events: [Span.Event(name: "e", timestamp: ts, attributes: ["x": 1])],
            links: [Span.Link(traceID: TraceID(high: 5, low: 5), spanID: SpanID(5))], status: Span.Status(code: .error, message: "m"))])
        return [logs, metrics, spans].map { BatchCodec.encode($0) }
    }

    @Test("every truncation of a valid record throws, never traps")
    func truncation() {
        for bytes in Self.sample() {
            for length in 0..<bytes.count {
                #expect(throws: BatchCodecError.self) { try BatchCodec.decode(Array(bytes[0..<length])) }
            }
        }
        #expect(throws: BatchCodecError.truncated(field: "version", offset: 0)) { try BatchCodec.decode([]) }
    }

    @Test("unknown version, bad tags, trailing bytes, count mismatch")
    func malformed() {
        var bytes = Self.sample()[0]
        bytes[0] = 2
        #expect(throws: BatchCodecError.unknownVersion(2)) { try BatchCodec.decode(bytes) }
        #expect(throws: BatchCodecError.unknownVersion(2)) { try BatchCodec.header(bytes) }
        // version, events 0, bytes 0, payload kind 9
        #expect(throws: BatchCodecError.badTag(field: "payload kind", offset: 3, tag: 9)) { try BatchCodec.decode([1, 0, 0, 9, 0]) }
        // one resource attribute "k" with value tag 42
        #expect(throws: BatchCodecError.badTag(field: "attribute value tag", offset: 7, tag: 42)) {
            try BatchCodec.decode([1, 0, 0, 0, 1, 1, 0x6B, 42])
        }
        #expect(throws: BatchCodecError.trailingBytes(offset: 6, count: 1)) { try BatchCodec.decode([1, 0, 0, 0, 0, 0, 7]) }
        #expect(throws: BatchCodecError.eventCountMismatch(header: 3, decoded: 0)) { try BatchCodec.decode([1, 3, 0, 0, 0, 0]) }
        // A log record whose first flags claim "same scope as the previous record".
        #expect(throws: BatchCodecError.self) { try BatchCodec.decode([1, 1, 0, 0, 0, 1, 0x08]) }
    }

    @Test("bad UTF-8, lengths past the end, oversized counts and varints")
    func lengths() throws {
        // Resource attribute key of 2 bytes that are not UTF-8.
        #expect(throws: BatchCodecError.badUTF8(field: "attribute key", offset: 6, length: 2)) {
            try BatchCodec.decode([1, 0, 0, 0, 1, 2, 0xFF, 0xFE, 0])
        }
        // A key claiming 100 bytes with 1 left.
        #expect(throws: BatchCodecError.badLength(field: "attribute key", offset: 5, length: 100, remaining: 1)) {
            try BatchCodec.decode([1, 0, 0, 0, 1, 100, 0x6B])
        }
        // A record count of 2^62: refused before any allocation.
        let huge: [UInt8] = [1, 0, 0, 0, 0] + [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]
        #expect(throws: BatchCodecError.self) { try BatchCodec.decode(huge) }
        // An 11-byte varint.
        let overflow: [UInt8] = [1] + [UInt8](repeating: 0xFF, count: 10) + [0x01]
        #expect(throws: BatchCodecError.varintOverflow(field: "event count", offset: 1)) { try BatchCodec.decode(overflow) }
        // Events larger than Int.max clamp instead of trapping.
        let big: [UInt8] = [1] + [UInt8](repeating: 0xFF, count: 9) + [0x01, 0, 1]
        #expect(try BatchCodec.header(big).events == .max)
        #expect(try BatchCodec.header(big).signal == .metrics)
        // The header names the payload kind too, so a bad one is refused without decoding.
        #expect(throws: BatchCodecError.badTag(field: "payload kind", offset: 3, tag: 9)) { try BatchCodec.header([1, 0, 0, 9]) }
    }

    @Test("random bytes and random corruption of valid records never trap")
    func fuzz() {
        var generator = SplitMix64(seed: 0x5EED)
        let samples = Self.sample()
        var decodedSome = 0
        for round in 0..<20_000 {
            var bytes: [UInt8]
            if round.isMultiple(of: 2) {
                bytes = (0..<Int(generator.next() % 64)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                if !bytes.isEmpty { bytes[0] = BatchCodec.version }
            } else {
                bytes = samples[Int(generator.next() % UInt64(samples.count))]
                for _ in 0..<(1 + Int(generator.next() % 3)) {
                    bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
                }
            }
            if (try? BatchCodec.decode(bytes)) != nil { decodedSome += 1 }
        }
        // Some flips land in values (a body byte, a timestamp) and still decode.
        #expect(decodedSome > 0)
    }
}
