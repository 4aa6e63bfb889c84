import Foundation
import Telemetry
import Testing
import TestSupport
@testable import Pipeline

/// A span with no sampled flag unless given (the model's default is 1). `flags` is
/// truncated to the model's type, whatever its width.
private func sampleSpan(
    _ traceID: TraceID, id: UInt64 = 1, flags: UInt32 = 0, status: Span.Status.Code = .unset, name: String = "op"
) -> Span {
    Span(
        traceID: traceID, spanID: SpanID(id), flags: .init(truncatingIfNeeded: flags), name: name,
        start: ProcessorSampleTests.now, end: ProcessorSampleTests.now, status: Span.Status(code: status))
}

/// Lower trace-id halves either side of the bounds used below (the high half never counts).
private let keptTrace = TraceID(high: .max, low: 0)
private let droppedTrace = TraceID(high: 0, low: .max)
/// Dropped by any ratio below 1, like `droppedTrace`, but another trace.
private let otherDroppedTrace = TraceID(high: 3, low: .max - 3)

@Suite("SampleProcessor")
struct ProcessorSampleTests {
    static let now = Timestamp(nanosecondsSinceEpoch: 1_700_000_000_000_000_000)

    static func spans(_ batch: TelemetryBatch) -> [Span] {
        guard case .spans(let spans) = batch.payload else { return [] }
        return spans
    }

    static func baseAddress(_ batch: TelemetryBatch) -> UnsafeRawPointer? {
        guard case .spans(let spans) = batch.payload else { return nil }
        return spans.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    struct Rule: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var ratio: Double
        var parentBased = true
        var keepErrors = true
        var span: Span
        var expected: SampleProcessor.Decision
    }

    @Test(arguments: [
        Rule(testDescription: "error kept at ratio 0", ratio: 0,
             span: sampleSpan(droppedTrace, status: .error), expected: .sampled(.error)),
        Rule(testDescription: "error without keep_errors goes to the ratio", ratio: 0, keepErrors: false,
             span: sampleSpan(droppedTrace, status: .error), expected: .notSampled),
        Rule(testDescription: "error under a remote sampled parent counts as error (first rule wins)", ratio: 1,
             span: sampleSpan(keptTrace, flags: 0x301, status: .error), expected: .sampled(.error)),
        Rule(testDescription: "ok status is not an error", ratio: 0,
             span: sampleSpan(droppedTrace, status: .ok), expected: .notSampled),
        Rule(testDescription: "remote sampled parent (0x301) kept at ratio 0", ratio: 0,
             span: sampleSpan(droppedTrace, flags: 0x301), expected: .sampled(.parent)),
        Rule(testDescription: "Java's root or local child (0x101) goes to the ratio: dropped at ratio 0", ratio: 0,
             span: sampleSpan(droppedTrace, flags: 0x101), expected: .notSampled),
        Rule(testDescription: "Java's root or local child (0x101) goes to the ratio: kept below the bound", ratio: 0.5,
             span: sampleSpan(keptTrace, flags: 0x101), expected: .sampled(.ratio)),
        Rule(testDescription: "the sampled bit alone (0x01, no is-remote bits) goes to the ratio", ratio: 0,
             span: sampleSpan(droppedTrace, flags: 0x01), expected: .notSampled),
        Rule(testDescription: "is-remote without has-is-remote (0x201) says nothing: ratio", ratio: 0,
             span: sampleSpan(droppedTrace, flags: 0x201), expected: .notSampled),
        Rule(testDescription: "remote sampled parent without parent_based is dropped by the ratio", ratio: 0, parentBased: false,
             span: sampleSpan(droppedTrace, flags: 0x301), expected: .notSampled),
        Rule(testDescription: "remote sampled parent without parent_based is kept by the ratio", ratio: 1, parentBased: false,
             span: sampleSpan(droppedTrace, flags: 0x301), expected: .sampled(.ratio)),
        Rule(testDescription: "remote parent not sampled (0x300, Python's flags) goes to the ratio: dropped", ratio: 0.5,
             span: sampleSpan(droppedTrace, flags: 0x300), expected: .notSampled),
        Rule(testDescription: "remote parent not sampled (0x300, Python's flags) goes to the ratio: kept", ratio: 0.5,
             span: sampleSpan(keptTrace, flags: 0x300), expected: .sampled(.ratio)),
        Rule(testDescription: "unset status, no flag: ratio 1 keeps", ratio: 1,
             span: sampleSpan(droppedTrace), expected: .sampled(.ratio)),
        Rule(testDescription: "unset status, no flag: ratio 0 drops even lower half 0", ratio: 0,
             span: sampleSpan(keptTrace), expected: .notSampled),
    ])
    func ruleTable(_ rule: Rule) {
        let processor = SampleProcessor(name: "s", ratio: rule.ratio, parentBased: rule.parentBased, keepErrors: rule.keepErrors)
        #expect(processor.decision(for: rule.span) == rule.expected)
        var batch = TelemetryBatch.spans([rule.span])
        processor.process(&batch)
        #expect(Self.spans(batch).count == (rule.expected == .notSampled ? 0 : 1))
    }

    @Test("the ratio's bound: the lower 64 bits of the trace id below ratio × 2^64 are kept, at it dropped", arguments: [
        (0.5, UInt64(1) << 63),
        (0.25, UInt64(1) << 62),
        // 0.1 as a double is 0.1000000000000000055511151231257827…: × 2^64 is this integer exactly.
        (0.1, 1_844_674_407_370_955_264),
        (0.0, 0),
    ])
    func ratioBoundary(_ ratio: Double, _ bound: UInt64) {
        let processor = SampleProcessor(name: "s", ratio: ratio, parentBased: false, keepErrors: false)
        if bound > 0 {
            #expect(processor.ratioKeeps(TraceID(high: 0, low: bound - 1)))
            #expect(processor.ratioKeeps(TraceID(high: .max, low: bound - 1)))
        }
        #expect(!processor.ratioKeeps(TraceID(high: 0, low: bound)))
        #expect(!processor.ratioKeeps(TraceID(high: .max, low: bound)))
        #expect(!processor.ratioKeeps(TraceID(high: 1, low: .max)))
    }

    @Test("ratio 1 keeps every trace id, the largest lower half included")
    func ratioOne() {
        let processor = SampleProcessor(name: "s", ratio: 1, parentBased: false, keepErrors: false)
        #expect(processor.ratioKeeps(TraceID(high: 1, low: .max)))
        #expect(processor.ratioKeeps(TraceID(high: 1, low: 0)))
        let almost = SampleProcessor(name: "s", ratio: 1.0.nextDown, parentBased: false, keepErrors: false)
        #expect(!almost.ratioKeeps(TraceID(high: 1, low: .max)), "just under 1 is not 1")
    }

    @Test("two processors decide the same for a trace, and keep or drop its spans together")
    func consistentAcrossInstances() {
        var random = SplitMix64(seed: 7)
        var spans: [Span] = []
        for trace in 0..<1_000 {
            let traceID = TraceID(high: random.next(), low: random.next())
            for child in 0..<3 { spans.append(sampleSpan(traceID, id: UInt64(trace * 3 + child + 1), name: "op\(child)")) }
        }
        // Another name and other rules that do not apply to these spans: only the ratio decides.
        let one = SampleProcessor(name: "sidecar-a", ratio: 0.3)
        let two = SampleProcessor(name: "sidecar-b", ratio: 0.3, parentBased: false, keepErrors: false)
        var first = TelemetryBatch.spans(spans)
        var second = TelemetryBatch.spans(spans.reversed())
        one.process(&first)
        two.process(&second)
        let keptByOne = Self.spans(first)
        let keptByTwo = Self.spans(second)
        #expect(Set(keptByOne.map(\.spanID)) == Set(keptByTwo.map(\.spanID)))
        let perTrace = Dictionary(grouping: keptByOne, by: \.traceID).mapValues(\.count)
        #expect(perTrace.values.allSatisfy { $0 == 3 }, "a trace is kept whole or not at all")
        #expect((250...350).contains(perTrace.count), "\(perTrace.count) of 1000 traces kept at 30%")
    }

    @Test("100 000 random trace ids at 10% keep 10% ± 0.6%, and the counters say how many")
    func ratioOverManyTraces() {
        var random = SplitMix64(seed: 0x5A3D_1E00)
        let processor = SampleProcessor(name: "head", ratio: 0.1)
        var total = 0
        var kept = 0
        for _ in 0..<100 {
            var spans: [Span] = []
            for index in 0..<1_000 { spans.append(sampleSpan(TraceID(high: random.next(), low: random.next()), id: UInt64(index + 1))) }
            var batch = TelemetryBatch.spans(spans)
            processor.process(&batch)
            total += spans.count
            kept += Self.spans(batch).count
            #expect(Self.spans(batch).allSatisfy { processor.ratioKeeps($0.traceID) })
        }
        #expect(total == 100_000)
        #expect((9_400...10_600).contains(kept), "\(kept) kept")
        #expect(processor.sampled.snapshot == ["error": 0, "parent": 0, "ratio": UInt64(kept)])
        #expect(processor.notSampled.snapshot == ["ratio": UInt64(total - kept)])
    }

    @Test("a mixed batch keeps its spans' order and counts each decision by reason")
    func mixedBatch() {
        let processor = SampleProcessor(name: "s", ratio: 0.5)
        var batch = TelemetryBatch.spans([
            sampleSpan(droppedTrace, id: 1),
            sampleSpan(keptTrace, id: 2),
            sampleSpan(droppedTrace, id: 3, status: .error),
            sampleSpan(droppedTrace, id: 4),
            sampleSpan(otherDroppedTrace, id: 5, flags: 0x301),
            sampleSpan(keptTrace, id: 6),
            sampleSpan(droppedTrace, id: 7),
        ], resource: Resource(attributes: ["service.name": "checkout"]))
        processor.process(&batch)
        #expect(Self.spans(batch).map(\.spanID.value) == [2, 3, 5, 6])
        #expect(batch.resource.attributes["service.name"] == "checkout")
        #expect(processor.sampled.snapshot == ["error": 1, "parent": 1, "ratio": 2])
        #expect(processor.notSampled.snapshot == ["ratio": 3])

        var none = TelemetryBatch.spans([sampleSpan(droppedTrace, id: 1), sampleSpan(droppedTrace, id: 2)])
        processor.process(&none)
        #expect(none.isEmpty)
        #expect(processor.notSampled["ratio"] == 5)
    }

    @Test("a remote sampled parent keeps the other spans of its trace in the batch, wherever they stand; other traces go by the ratio")
    func remoteParentKeepsItsTrace() {
        let processor = SampleProcessor(name: "s", ratio: 0)
        // As the Java SDK exports them: children end first, so they come before their entry span.
        let spans = [
            sampleSpan(droppedTrace, id: 1, flags: 0x101, name: "SELECT orders"),
            sampleSpan(otherDroppedTrace, id: 2, flags: 0x101, name: "a root of this service"),
            sampleSpan(droppedTrace, id: 3, flags: 0x301, name: "GET /checkout"),
            sampleSpan(droppedTrace, id: 4, flags: 0x101, status: .error, name: "charge"),
            sampleSpan(otherDroppedTrace, id: 5, flags: 0x300, name: "entry of an unsampled trace"),
        ]
        var batch = TelemetryBatch.spans(spans)
        processor.process(&batch)
        #expect(Self.spans(batch).map(\.spanID.value) == [1, 3, 4])
        #expect(processor.sampled.snapshot == ["error": 1, "parent": 2, "ratio": 0])
        #expect(processor.notSampled.snapshot == ["ratio": 2])

        // A child exported in an earlier batch than its entry span: only the ratio decides.
        var earlier = TelemetryBatch.spans([sampleSpan(droppedTrace, id: 6, flags: 0x101)])
        processor.process(&earlier)
        #expect(earlier.isEmpty)

        let notParentBased = SampleProcessor(name: "s", ratio: 0, parentBased: false, keepErrors: false)
        var same = TelemetryBatch.spans(spans)
        notParentBased.process(&same)
        #expect(same.isEmpty)
    }

    @Test("spans are filtered in place: a batch that keeps all is not copied, one with drops is compacted in its own storage")
    func inPlace() {
        let processor = SampleProcessor(name: "s", ratio: 0.5)
        var all = TelemetryBatch.spans((1...64).map { sampleSpan(keptTrace, id: $0) })
        let before = Self.baseAddress(all)
        processor.process(&all)
        #expect(Self.baseAddress(all) == before)
        #expect(Self.spans(all).map(\.spanID.value) == Array(1...64))

        var some = TelemetryBatch.spans((1...64).map { sampleSpan($0 % 2 == 0 ? keptTrace : droppedTrace, id: $0) })
        let storage = Self.baseAddress(some)
        processor.process(&some)
        #expect(Self.baseAddress(some) == storage)
        #expect(Self.spans(some).map(\.spanID.value) == Array(stride(from: 2, through: 64, by: 2)))
    }

    @Test("logs and metrics pass untouched and are not counted")
    func otherSignals() {
        let processor = SampleProcessor(name: "s", ratio: 0)
        let logs = TelemetryBatch.logs([LogRecord(observedTimestamp: Self.now, body: Array("line".utf8))])
        var processed = logs
        processor.process(&processed)
        #expect(processed == logs)
        let metrics = TelemetryBatch.metrics(MetricBatch(families: [
            MetricFamily(name: "up", help: "", kind: .gauge, samples: [MetricSample(labels: [:], value: 1)])
        ], timestamp: Self.now))
        processed = metrics
        processor.process(&processed)
        #expect(processed == metrics)
        #expect(processor.sampled.total == 0 && processor.notSampled.total == 0)
    }

    @Test("exposed as one family, outrider_traces_sampled_total, with decision and reason")
    func counters() {
        let processor = SampleProcessor(name: "s")
        #expect(processor.counters.map(\.metric) == ["outrider_traces_sampled_total", "outrider_traces_sampled_total"])
        #expect(processor.counters.map(\.constantLabels) == [["decision": "sampled"], ["decision": "not_sampled"]])
        #expect(processor.counters.allSatisfy { $0.label == "reason" })
        #expect(processor.counters[0].counts === processor.sampled && processor.counters[1].counts === processor.notSampled)
    }

    /// One row of Fixtures/sample/trace-id-ratio.txt: the Python SDK's TraceIdRatioBased
    /// decision, as written by generate.py beside it.
    struct SDKDecision: Sendable, CustomTestStringConvertible {
        var line: Int
        var traceID: TraceID
        var ratio: Double
        var sampled: Bool
        var testDescription: String { "line \(line)" }
    }

    struct BadRow: Error, CustomStringConvertible {
        let description: String
    }

    static func sdkDecisions() throws -> [SDKDecision] {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/sample/trace-id-ratio.txt")
        var rows: [SDKDecision] = []
        for (offset, line) in try String(contentsOf: file, encoding: .utf8).split(separator: "\n").enumerated()
        where !line.hasPrefix("#") {
            let fields = line.split(separator: " ")
            guard fields.count == 3, let traceID = TraceID(hex: fields[0].utf8), let ratio = Double(fields[1]),
                  fields[2] == "sampled" || fields[2] == "dropped"
            else { throw BadRow(description: "trace-id-ratio.txt:\(offset + 1): expected `trace_id ratio sampled|dropped`, got \(line)") }
            rows.append(SDKDecision(line: offset + 1, traceID: traceID, ratio: ratio, sampled: fields[2] == "sampled"))
        }
        return rows
    }

    @Test("agrees with the OpenTelemetry Python SDK's TraceIdRatioBased on every row of its decision table")
    func agreesWithPythonSDK() throws {
        let rows = try Self.sdkDecisions()
        #expect(rows.count > 600)
        #expect(Set(rows.map(\.ratio)).count == 15)
        var processors: [Double: SampleProcessor] = [:]
        var disagreements: [String] = []
        for row in rows {
            let processor = processors[row.ratio] ?? SampleProcessor(name: "s", ratio: row.ratio, parentBased: false, keepErrors: false)
            processors[row.ratio] = processor
            let ours = processor.decision(for: sampleSpan(row.traceID)) != .notSampled
            if ours != row.sampled { disagreements.append("line \(row.line): \(row.traceID.hex) at \(row.ratio): SDK \(row.sampled), ours \(ours)") }
        }
        #expect(disagreements.isEmpty, "\(disagreements.joined(separator: "\n"))")
    }
}
