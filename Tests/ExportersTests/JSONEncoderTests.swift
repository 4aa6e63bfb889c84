import Testing
import Telemetry
@testable import Exporters

@Suite("JSON: lines and array encoders")
struct JSONEncoderTests {
    static let mixed = [JSONGoldenTests.logs, JSONGoldenTests.metrics, JSONGoldenTests.spans]

    @Test("content types")
    func contentTypes() {
        #expect(JSONLinesEncoder().contentType == "application/x-ndjson")
        #expect(JSONArrayEncoder().contentType == "application/json")
    }

    @Test("JSON lines: one newline-terminated object per event, batches concatenated in order")
    func lines() throws {
        let output = try JSONLinesEncoder().encode(Self.mixed)
        let events = Self.mixed.reduce(0) { $0 + $1.eventCount }
        #expect(output.filter { $0 == UInt8(ascii: "\n") }.count == events)
        #expect(output.last == UInt8(ascii: "\n"))
        let separately = try Self.mixed.flatMap { try JSONLinesEncoder().encode([$0]) }
        #expect(output == separately)
        #expect(try JSONValidator.events(output, framing: .lines).map(\.count) ?? events == events)
    }

    @Test("JSON array: the same objects, comma-separated in one array")
    func array() throws {
        let output = try JSONArrayEncoder().encode(Self.mixed)
        let lines = try JSONLinesEncoder().encode(Self.mixed)
        // The array is exactly the lines with `\n` turned into separators: same objects.
        var expected: [UInt8] = [UInt8(ascii: "[")]
        expected += lines.dropLast().map { $0 == UInt8(ascii: "\n") ? UInt8(ascii: ",") : $0 }
        expected.append(UInt8(ascii: "]"))
        #expect(output == expected)
        let events = Self.mixed.reduce(0) { $0 + $1.eventCount }
        #expect(try JSONValidator.events(output, framing: .array).map(\.count) ?? events == events)
    }

    @Test("no events: empty lines body, empty array")
    func empty() throws {
        let nothing = [TelemetryBatch.logs([]), .spans([]), .metrics(MetricBatch(families: [], timestamp: Timestamp(nanosecondsSinceEpoch: 0)))]
        #expect(try JSONLinesEncoder().encode(nothing).isEmpty)
        #expect(try JSONLinesEncoder().encode([]).isEmpty)
        #expect(try JSONArrayEncoder().encode(nothing) == Array("[]".utf8))
        #expect(try JSONArrayEncoder().encode([]) == Array("[]".utf8))
    }

    @Test("a JSON line never contains a raw newline, whatever the body holds")
    func newlinesInBodies() throws {
        let records = (0..<256).map { byte in
            LogRecord(observedTimestamp: Timestamp(nanosecondsSinceEpoch: 0), body: [UInt8(byte), 0x0A, 0x0D, UInt8(byte)])
        }
        let output = try JSONLinesEncoder().encode([.logs(records)])
        #expect(output.filter { $0 == UInt8(ascii: "\n") }.count == 256)
        #expect(!output.contains(UInt8(ascii: "\r")))
        #expect(try JSONValidator.events(output, framing: .lines).map(\.count) ?? 256 == 256)
    }
}
