import Foundation
import Testing

@testable import LogTail
import Telemetry

/// Fixture lines under `Fixtures/decoding/`, found via `#filePath` so tests run from any
/// working directory. Lines are split on `\n` only, as the framer hands them over.
enum DecodingFixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/decoding")

    static func lines(_ name: String) throws -> [[UInt8]] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        var lines = [UInt8](data).split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) }
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    static let observed = Timestamp(nanosecondsSinceEpoch: 1_800_000_000_000_000_000)

    static func time(_ text: String) -> Timestamp? {
        Array(text.utf8).withUnsafeBytes { LogTimestamp.parseRFC3339($0) }
    }
}

extension LogRecord {
    var bodyText: String { String(decoding: body, as: UTF8.self) }
}

@Suite struct DecodingJSONLogTests {
    func decodeAll(_ name: String, fields: JSONLogFields = JSONLogFields()) throws -> [DecodedLine] {
        var decoder = LogDecoder(format: .json, filePath: "/var/log/app/\(name)", fields: fields)
        return try DecodingFixture.lines(name).compactMap { decoder.decode($0, observedAt: DecodingFixture.observed) }
    }

    @Test func liftsEachFieldSpelling() throws {
        let records = try decodeAll("json-spellings.log").map(\.record)
        try #require(records.count == 11)

        let first = records[0]
        #expect(first.timestamp == DecodingFixture.time("2026-11-22T00:00:00Z"))
        #expect(first.observedTimestamp == DecodingFixture.observed)
        #expect(first.severity == Severity(number: 9, text: "INFO"))
        #expect(first.severity.text == "INFO")
        #expect(first.bodyText == "user 123456 logged in from 10.1.2.3")
        #expect(first.traceID?.hex == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(first.spanID == nil)
        #expect(first.attributes["log.file.path"] == .string("/var/log/app/json-spellings.log"))
        #expect(first.attributes["log.iostream"] == nil)

        let second = records[1]
        #expect(second.timestamp == DecodingFixture.time("2026-11-22T00:00:00.5Z"))
        #expect(second.severity.number == 13)
        #expect(second.severity.text == "WARNING")
        #expect(second.bodyText == "disk almost full")
        #expect(second.spanID?.hex == "00f067aa0ba902b7")

        let third = records[2]
        #expect(third.timestamp == Timestamp(nanosecondsSinceEpoch: 1_763_769_600_250_000_000))
        #expect(third.severity.number == 17)
        #expect(third.attributes["correlation_id"] == .string("req-42"))
        #expect(third.attributes["user.id"] == .string("u-7"))

        #expect(records[3].timestamp == Timestamp(nanosecondsSinceEpoch: 1_763_769_600_250_000_000))
        #expect(records[3].severity.number == 18)

        // traceparent outranks trace_id wherever it stands, and brings span and flags.
        let fifth = records[4]
        #expect(fifth.traceID?.hex == "0af7651916cd43dd8448eb211c80319c")
        #expect(fifth.spanID?.hex == "b7ad6b7169203331")
        #expect(fifth.flags == 1)
        #expect(fifth.severity.number == 5)

        #expect(records[5].severity == .info)
        #expect(records[5].attributes["user.id"] == .string("12345"))

        // `level` is listed before `severity`, nested keys are never lifted.
        #expect(records[6].severity.number == 21)
        #expect(records[6].bodyText == "level wins over severity")

        #expect(records[7].severity == Severity(number: 0, text: "verbose"))
    }

    @Test func decodesEscapesAndUnicodeInTheMessage() throws {
        let record = try decodeAll("json-spellings.log")[8].record
        let expected = "escapes: tab\tquote\" backslash\\ slash/ newline\n nul\u{0} BMP € astral 🚀 lone \u{FFFD}!"
        #expect(record.body == Array(expected.utf8))
    }

    @Test func keepsTheWholeLineWhenThereIsNoMessage() throws {
        let lines = try DecodingFixture.lines("json-spellings.log")
        let decoded = try decodeAll("json-spellings.log")
        #expect(decoded[9].record.body == lines[9])
        #expect(decoded[10].record.bodyText == "spaces")
        #expect(decoded[10].record.severity.number == 13)
        #expect(decoded.allSatisfy { $0.failure == nil })
    }

    @Test func fieldNamesAreConfigurable() throws {
        let fields = JSONLogFields(level: ["lvl"], message: ["service"])
        let records = try decodeAll("json-spellings.log", fields: fields).map(\.record)
        #expect(records[0].bodyText == "checkout")
        #expect(records[0].severity == .unspecified)
        #expect(records[2].severity.number == 17)
    }

    @Test func invalidJSONBecomesTextAndIsCounted() throws {
        let lines = try DecodingFixture.lines("invalid.log")
        var decoder = LogDecoder(format: .json, filePath: "/x.log")
        let decoded = lines.compactMap { decoder.decode($0, observedAt: DecodingFixture.observed) }
        #expect(decoded.count == 8)
        #expect(decoded.allSatisfy { $0.failure == .malformedJSON })
        #expect(zip(decoded, lines).allSatisfy { $0.record.body == $1 })
        #expect(decoded.allSatisfy { $0.record.severity == .unspecified && $0.record.timestamp == nil })
        #expect(decoded.allSatisfy { $0.record.attributes["log.file.path"] == .string("/x.log") })
        // Text fallback still finds trace context.
        #expect(decoded[6].record.traceID?.hex == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(decoded[6].record.spanID?.hex == "00f067aa0ba902b7")
        #expect(decoder.stats.malformed == 8)
        #expect(decoder.stats.records == 8)
    }

    @Test func binaryGarbageIsKeptAsText() throws {
        let lines = try DecodingFixture.lines("garbage.bin")
        for format in LogFormat.allCases {
            var decoder = LogDecoder(format: format, filePath: "/g")
            for line in lines {
                let result = decoder.decode(line, observedAt: DecodingFixture.observed)
                let decoded = try #require(result)
                #expect(decoded.record.body == line)
                #expect(decoded.failure == (format == .text ? nil : format == .json ? .malformedJSON
                    : format == .cri ? .malformedCRI : .malformedDocker))
            }
        }
    }

    @Test func hugeLinesDecode() throws {
        let message = String(repeating: "é\\n0123456789", count: 100_000)
        let line = Array(#"{"level":"error","message":"\#(message)","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"}"#.utf8)
        var decoder = LogDecoder(format: .json, filePath: "/big")
        let result = decoder.decode(line, observedAt: DecodingFixture.observed)
        let record = try #require(result).record
        #expect(record.body.count == 100_000 * 13)
        #expect(record.severity.number == Severity.error.number)
        #expect(record.traceID != nil)

        // Deep nesting is skipped without recursion.
        let deep = Array(("{\"a\":" + String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000) + ",\"msg\":\"ok\"}").utf8)
        let deepResult = decoder.decode(deep, observedAt: DecodingFixture.observed)
        #expect(deepResult?.record.bodyText == "ok")
    }

    @Test func acceptsSlicesAndRawBuffers() {
        let bytes = Array(#"xx{"msg":"slice"}yy"#.utf8)
        var decoder = LogDecoder(format: .json, filePath: "/s")
        let result = decoder.decode(bytes[2..<17], observedAt: DecodingFixture.observed)
        #expect(result?.record.bodyText == "slice")
    }
}
