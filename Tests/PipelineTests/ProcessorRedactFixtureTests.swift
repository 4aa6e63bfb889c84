import Foundation
import Testing
import Telemetry
@testable import Pipeline

/// One case of Fixtures/redact/cases.txt (the format is described at the top of that file).
struct RedactFixtureCase: Sendable, CustomTestStringConvertible {
    var line: Int
    var description: String
    var patterns: [RedactPattern]
    var replacement: String
    var literals: [String] = []
    var input = ""
    var expected: String?  // nil: unchanged
    var matches: [String: UInt64] = [:]

    var testDescription: String { "line \(line): \(description)" }

    /// Read via `#filePath`, like the other fixture tests, so any working directory works.
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/redact/cases.txt")

    static func load() throws -> [RedactFixtureCase] {
        let text = try String(contentsOf: file, encoding: .utf8)
        var cases: [RedactFixtureCase] = []
        var patterns: [RedactPattern] = []
        var replacement = "[REDACTED]"
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(rawLine)
            guard !line.hasPrefix("#"), !line.isEmpty else { continue }
            guard let colon = line.firstIndex(of: ":") else { throw FixtureError(line: offset + 1, "no `key:`") }
            let key = line[..<colon]
            // Everything after "key: " is the value, byte for byte (trailing spaces included).
            var value = String(line[line.index(after: colon)...])
            if value.hasPrefix(" ") { value.removeFirst() }
            switch key {
            case "patterns":
                patterns = try value.split(separator: " ").map { name in
                    guard let pattern = RedactPattern(rawValue: String(name)) else {
                        throw FixtureError(line: offset + 1, "unknown pattern \(name)")
                    }
                    return pattern
                }
            case "replacement":
                replacement = value
            case "case":
                cases.append(RedactFixtureCase(line: offset + 1, description: value, patterns: patterns, replacement: replacement))
            case "literal", "in", "out", "matches":
                guard !cases.isEmpty else { throw FixtureError(line: offset + 1, "\(key) before the first case") }
                switch key {
                case "literal": cases[cases.count - 1].literals.append(value)
                case "in": cases[cases.count - 1].input = value
                case "out": cases[cases.count - 1].expected = value == "same" ? nil : value
                default:
                    for pair in value.split(separator: " ") {
                        let parts = pair.split(separator: "=")
                        guard parts.count == 2, let count = UInt64(parts[1]) else {
                            throw FixtureError(line: offset + 1, "bad count \(pair)")
                        }
                        cases[cases.count - 1].matches[String(parts[0])] = count
                    }
                }
            default:
                throw FixtureError(line: offset + 1, "unknown key \(key)")
            }
        }
        return cases
    }

    struct FixtureError: Error, CustomStringConvertible {
        let description: String
        init(line: Int, _ message: String) { description = "cases.txt:\(line): \(message)" }
    }
}

@Suite("RedactProcessor: fixture cases")
struct ProcessorRedactFixtureTests {
    static let cases = (try? RedactFixtureCase.load()) ?? []

    @Test("the fixture file parses and has cases for every pattern")
    func fixtureIsComplete() throws {
        let cases = try RedactFixtureCase.load()
        #expect(cases.count > 60)
        let covered = Set(cases.flatMap(\.patterns))
        #expect(covered == Set(RedactPattern.allCases))
        #expect(cases.contains { !$0.literals.isEmpty })
    }

    @Test("log body", arguments: cases)
    func body(_ fixture: RedactFixtureCase) {
        let processor = RedactProcessor(
            name: "scrub", patterns: fixture.patterns, literals: fixture.literals, replacement: fixture.replacement)
        var batch = TelemetryBatch.logs([LogRecord(observedTimestamp: Timestamp(nanosecondsSinceEpoch: 1), body: Array(fixture.input.utf8))])
        processor.process(&batch)
        guard case .logs(let records) = batch.payload, let record = records.first else {
            Issue.record("the record went missing")
            return
        }
        let output = String(decoding: record.body, as: UTF8.self)
        #expect(output == (fixture.expected ?? fixture.input))
        if fixture.expected == nil { #expect(processor.matches.total == 0) }
        for (pattern, count) in fixture.matches { #expect(processor.matches[pattern] == count, "matches[\(pattern)]") }
    }

    @Test("the same text as a string attribute value", arguments: cases)
    func attribute(_ fixture: RedactFixtureCase) {
        let processor = RedactProcessor(
            name: "scrub", patterns: fixture.patterns, literals: fixture.literals, replacement: fixture.replacement)
        let span = Span(
            traceID: TraceID(high: 1, low: 2), spanID: SpanID(3), name: "GET", start: Timestamp(nanosecondsSinceEpoch: 1),
            end: Timestamp(nanosecondsSinceEpoch: 2), attributes: ["message": .string(fixture.input)])
        var batch = TelemetryBatch.spans([span])
        processor.process(&batch)
        guard case .spans(let spans) = batch.payload, let first = spans.first else {
            Issue.record("the span went missing")
            return
        }
        #expect(first.attributes["message"] == .string(fixture.expected ?? fixture.input))
    }
}
