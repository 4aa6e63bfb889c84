import Foundation
@testable import OTLP
import Telemetry
import TestSupport
import Testing

/// The direct protobuf writer (`OTLPSpans.serialize`, `OTLPLogs.serialize`) gives the same
/// bytes, to the byte, as building the message tree and serializing it with swift-protobuf:
/// a Collector cannot tell which of the two wrote a request.
@Suite("OTLP: direct protobuf writer")
struct OTLPWireWriterTests {
    static func expectSameSpans(_ batches: [TelemetryBatch], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected: [UInt8] = try OTLPSpans.request(batches).serializedBytes()
        let written = OTLPSpans.serialize(batches)
        #expect(written == expected, "\(firstDifference(written, expected))", sourceLocation: sourceLocation)
    }

    static func expectSameLogs(_ batches: [TelemetryBatch], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected: [UInt8] = try OTLPLogs.request(batches).serializedBytes()
        let written = OTLPLogs.serialize(batches)
        #expect(written == expected, "\(firstDifference(written, expected))", sourceLocation: sourceLocation)
    }

    static func expectSameMetrics(_ batches: [TelemetryBatch], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected: [UInt8] = try OTLPMetrics.request(batches).serializedBytes()
        let written = OTLPMetrics.serialize(batches)
        #expect(written == expected, "\(firstDifference(written, expected))", sourceLocation: sourceLocation)
    }

    /// Where two byte strings part, for a failure message that says more than "not equal".
    static func firstDifference(_ got: [UInt8], _ want: [UInt8]) -> String {
        let index = (0..<min(got.count, want.count)).first { got[$0] != want[$0] } ?? min(got.count, want.count)
        let around = { (bytes: [UInt8]) in bytes[max(0, index - 8)..<min(bytes.count, index + 8)].map { String($0, radix: 16) } }
        return "sizes \(got.count) vs \(want.count), first difference at \(index): \(around(got)) vs \(around(want))"
    }

    // MARK: - Wire primitives

    @Test("varints: 0, 127, 128, 16383, 16384, 2^63 and UInt64.max take the bytes the encoding guide gives")
    func varints() {
        let cases: [(UInt64, [UInt8])] = [
            (0, [0x00]), (1, [0x01]), (127, [0x7F]), (128, [0x80, 0x01]), (300, [0xAC, 0x02]),
            (16383, [0xFF, 0x7F]), (16384, [0x80, 0x80, 0x01]),
            (1 << 63, [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
            (.max, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        ]
        for (value, bytes) in cases {
            var out = ProtobufWriter(capacity: 1)
            out.appendVarint(value)
            #expect(out.bytes() == bytes, "\(value)")
            #expect(ProtobufWriter.varintSize(value) == bytes.count, "\(value)")
        }
        var negative = ProtobufWriter()
        negative.appendVarintField(3, UInt64(bitPattern: -1))
        #expect(negative.bytes() == [0x18] + Array(repeating: 0xFF, count: 9) + [0x01], "a negative int64 takes ten bytes")
    }

    @Test("fixed-width fields are little-endian; a field number of 16 takes a two-byte tag; strings and bytes are length-prefixed")
    func fields() {
        var out = ProtobufWriter(capacity: 1)
        out.appendFixed64Field(7, 0x0102_0304_0506_0708)
        out.appendFixed32Field(16, 0x0A0B_0C0D)
        out.appendDoubleField(4, 1.0)
        out.appendStringField(1, "ü")
        out.appendBytesField(7, [])
        out.appendBytesField(2, [9])
        #expect(out.bytes() == [
            0x39, 8, 7, 6, 5, 4, 3, 2, 1, 0x85, 0x01, 0x0D, 0x0C, 0x0B, 0x0A, 0x21, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F,
            0x0A, 2, 0xC3, 0xBC, 0x3A, 0, 0x12, 1, 9,
        ])
    }

    @Test("an embedded message gets the shortest length whatever width was reserved for it, nested too", arguments: [1, 2, 3, 5])
    func messageLengths(guess: Int) {
        for length in [0, 1, 127, 128, 300, 16383, 16384, 2_097_151, 2_097_152] {
            let content = (0..<length).map { UInt8(truncatingIfNeeded: $0) }
            // Grown from a small buffer while written, so moves and growth meet.
            var out = ProtobufWriter(capacity: 1)
            [UInt8(0xEE)].withUnsafeBytes { out.appendRaw($0) }
            out.appendMessageField(1, lengthGuess: guess) { outer in
                outer.appendMessageField(2, lengthGuess: guess) { inner in content.withUnsafeBytes { inner.appendRaw($0) } }
                outer.appendVarintField(3, 1)
            }
            out.appendVarintField(4, 2)
            var inner: [UInt8] = [0x12]
            inner += Self.varint(length) + content + [0x18, 1]
            let expected = [0xEE, 0x0A] + Self.varint(inner.count) + inner + [0x20, 2]
            #expect(out.bytes() == expected, "length \(length), guess \(guess)")
        }
    }

    static func varint(_ value: Int) -> [UInt8] {
        var out = ProtobufWriter()
        out.appendVarint(UInt64(value))
        return out.bytes()
    }

    @Test("UTF-8 validation agrees with String(validating:) on edge sequences and 200 000 random ones")
    func utf8Validation() async {
        let edges: [[UInt8]] = [
            [], [0x41], [0x7F], [0x80], [0xC0, 0x80], [0xC1, 0xBF], [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0x9F, 0xBF],
            [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xED, 0xA0, 0x80], [0xEF, 0xBF, 0xBF], [0xF0, 0x8F, 0xBF, 0xBF],
            [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80],
            [0xFF], [0xE2, 0x82], [0xF0, 0x9F, 0x9A], Array("abcdefgh日本語".utf8), Array("abcdefgh".utf8) + [0xC3],
        ]
        for bytes in edges {
            #expect(UTF8Sequence.isValid(bytes) == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
        }
        var random = SplitMix64(seed: 7)
        // Mostly ASCII with lead and continuation bytes sprinkled in: where the cases are.
        let alphabet: [UInt8] = [0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xEF, 0xF0, 0xF3, 0xF4, 0xF5, 0xFF]
        for round in 0..<200_000 {
            if round % 4096 == 0 { await Task.yield() }  // share the 2-thread test pool
            let count = random.next(20)
            let bytes = (0..<count).map { _ in random.next(3) == 0 ? UInt8(0x61) : alphabet[random.next(alphabet.count)] }
            #expect(UTF8Sequence.isValid(bytes) == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
        }
    }

    // MARK: - Fixtures

    @Test("the round-trip samples: every field, unicode, invalid UTF-8 bodies, nested attributes, two resources")
    func samples() throws {
        try Self.expectSameSpans(OTLPSamples.spans)
        try Self.expectSameLogs(OTLPSamples.logs)
        try Self.expectSameSpans(OTLPSamples.spans + OTLPSamples.spans.reversed())
        try Self.expectSameLogs(OTLPSamples.logs.reversed() + OTLPSamples.logs)
        try Self.expectSameMetrics(OTLPSamples.metrics)
        try Self.expectSameMetrics(OTLPSamples.metrics + OTLPSamples.metrics.reversed())
    }

    @Test("metrics: typed point attributes (int64 extremes, doubles, bools, text that no longer reads as its type), int and double values")
    func typedMetrics() throws {
        var types = LabelTypes()
        for (name, kind) in [("i", LabelTypes.Kind.int), ("d", .double), ("b", .bool), ("stale", .int), ("nan", .double), ("nz", .double)] {
            types.append(name, kind)
        }
        let labels: Labels = [
            "i": "-9223372036854775808", "d": "0.1", "b": "true", "stale": "[redacted]", "nan": "NaN", "nz": "-0.0", "plain": "text",
        ]
        let samples = [Int64.min, -1, 0, 1, .max].map { MetricSample(labels: labels, number: .int($0), labelTypes: types) }
            + [0.0, -0.0, .nan, -.infinity, 1e300].map { MetricSample(labels: labels, number: .double($0), labelTypes: types) }
        let batch = TelemetryBatch.metrics(MetricBatch(families: [
            MetricFamily(name: "typed", help: "", kind: .gauge, samples: samples),
            MetricFamily(name: "typed_sum", help: "h", kind: .upDownCounter, unit: "1", samples: samples),
            MetricFamily(name: "typed_histogram", help: "", kind: .histogram, samples: [
                MetricSample(labels: labels, number: .double(2), histogram: OTLPSamples.histogram, labelTypes: types),
                // No histogram: not a point, left out by both.
                MetricSample(labels: labels, number: .double(2), labelTypes: types),
            ]),
        ], timestamp: OTLPSamples.now))
        try Self.expectSameMetrics([batch])
    }

    @Test("the fidelity request (32-bit flags, link flags, dropped counts, scope attributes, schema URLs) read and written again")
    func fidelity() throws {
        let decoded = OTLPSpans.batches(from: OTLPFidelityTests.traceRequest())
        #expect(decoded.partialSuccess.isEmpty)
        try Self.expectSameSpans(decoded.batches)
        let bytes: [UInt8] = try OTLPFidelityTests.traceRequest().serializedBytes()
        #expect(OTLPSpans.serialize(decoded.batches) == bytes, "the SDK's own bytes come out again")
    }

    @Test("nothing in: no batches and batches without items write an empty request")
    func empty() throws {
        let empty = [TelemetryBatch.logs([]), .spans([]), .metrics(MetricBatch(families: [], timestamp: OTLPSamples.now))]
        for batches in [[], empty] {
            #expect(OTLPSpans.serialize(batches) == [] && OTLPLogs.serialize(batches) == [])
        }
        try Self.expectSameSpans(empty + OTLPSamples.spans + empty)
        try Self.expectSameLogs(empty + OTLPSamples.logs + empty)
    }

    @Test("zero and empty values are left out as swift-protobuf leaves them out; oneof members are written even when zero")
    func defaults() throws {
        let zero = Timestamp(nanosecondsSinceEpoch: 0)
        let beforeEpoch = Timestamp(nanosecondsSinceEpoch: -5)
        let bare = Span(
            traceID: TraceID(high: 0, low: 0), spanID: SpanID(0), parentSpanID: SpanID(0), flags: 0, name: "", kind: .unspecified,
            start: zero, end: beforeEpoch,
            attributes: ["": "", "zero": 0, "false": false, "0.0": 0.0, "-0.0": .double(-0.0), "b": .bytes([]), "a": .array([]),
                         "m": .map(Attributes())],
            events: [Span.Event(name: "", timestamp: zero)], links: [Span.Link(traceID: TraceID(high: 0, low: 0), spanID: SpanID(0))])
        let scopes = [
            InstrumentationScope(), InstrumentationScope(schemaURL: "https://schema/only"), InstrumentationScope(attributes: ["only": 1]),
            InstrumentationScope(version: "v"),
        ]
        let spans = scopes.map { scope in
            var span = bare
            span.scope = scope
            return span
        }
        try Self.expectSameSpans([.spans(spans), .spans([bare], resource: Resource(schemaURL: "https://resource/only"))])

        var quiet = LogRecord(observedTimestamp: zero, severity: Severity(number: 0, text: ""), body: [],
                              traceID: TraceID(high: 0, low: 0), spanID: SpanID(0), flags: 0)
        quiet.timestamp = beforeEpoch
        try Self.expectSameLogs(scopes.map { scope in
            var record = quiet
            record.scope = scope
            return .logs([record], resource: Resource(schemaURL: scope.schemaURL))
        })
        // An empty record in an empty resource and scope: resource present and empty, the
        // record present and empty.
        #expect(OTLPLogs.serialize([.logs([quiet])]) == [0x0A, 0x06, 0x0A, 0x00, 0x12, 0x02, 0x12, 0x00])
    }

    @Test("extremes: Int64.max timestamps, UInt32.max counts and flags, every severity number up to 255, every kind and code")
    func extremes() throws {
        let last = Timestamp(nanosecondsSinceEpoch: .max)
        var spans: [Span] = []
        for kind in [Span.Kind.unspecified, .internal, .server, .client, .producer, .consumer] {
            for code in [Span.Status.Code.unset, .ok, .error] {
                spans.append(Span(
                    traceID: TraceID(high: .max, low: .max), spanID: SpanID(.max), parentSpanID: SpanID(.max), flags: .max,
                    name: "n", kind: kind, start: last, end: last, attributes: ["i": .int(.min), "d": .double(.nan), "inf": .double(.infinity)],
                    events: [Span.Event(name: "e", timestamp: last, droppedAttributesCount: .max)],
                    links: [Span.Link(traceID: TraceID(high: 1, low: 0), spanID: SpanID(1), flags: .max, droppedAttributesCount: .max)],
                    status: Span.Status(code: code), droppedAttributesCount: .max, droppedEventsCount: .max, droppedLinksCount: .max))
            }
        }
        try Self.expectSameSpans([.spans(spans)])
        var records: [LogRecord] = []
        for number in UInt8.min...UInt8.max {
            var record = LogRecord(timestamp: last, observedTimestamp: last, body: [number], flags: number, droppedAttributesCount: .max)
            record.severity.number = number  // past 24 too: OTLP keeps an unknown enum value as its number
            records.append(record)
        }
        try Self.expectSameLogs([.logs(records)])
    }

    @Test("long strings and deep nesting: lengths that need two and three bytes at every level")
    func sizes() throws {
        let long = String(repeating: "ü", count: 9_000)  // 18 000 bytes: a three-byte length
        var deep: AttributeValue = .string(long)
        for level in 0..<40 { deep = level % 2 == 0 ? .array([deep, .int(Int64(level))]) : .map(["level \(level)": deep, "": .bool(true)]) }
        let attributes: Attributes = ["deep": deep, String(repeating: "k", count: 200): .bytes(Array(repeating: 0xAB, count: 130)),
                                      "long": .string(long), "short": "s"]
        let span = Span(
            traceID: OTLPSamples.traceID, spanID: OTLPSamples.spanID, traceState: long, name: long, start: OTLPSamples.now,
            end: OTLPSamples.now, attributes: attributes,
            events: [Span.Event(name: long, timestamp: OTLPSamples.now, attributes: attributes)],
            links: [Span.Link(traceID: OTLPSamples.traceID, spanID: OTLPSamples.spanID, traceState: long, attributes: attributes)],
            status: Span.Status(code: .error, message: long),
            scope: InstrumentationScope(name: long, version: long, attributes: attributes, schemaURL: long))
        try Self.expectSameSpans([.spans([span, span], resource: Resource(attributes: attributes, schemaURL: long))])
        let record = LogRecord(
            observedTimestamp: OTLPSamples.now, severity: Severity(number: 9, text: long), body: Array(long.utf8) + [0xFF],
            attributes: attributes, scope: span.scope, eventName: long)
        try Self.expectSameLogs([.logs([record, record], resource: Resource(attributes: attributes, schemaURL: long))])
    }

    @Test("many resources and scopes, interleaved across batches, grouped as OTLPGrouping groups them")
    func manyGroups() throws {
        let resources = (0..<20).map { Resource(attributes: ["service.name": .string("svc-\($0 % 7)")], schemaURL: $0 % 3 == 0 ? "s" : "") }
        let scopes = (0..<15).map { InstrumentationScope(name: "lib-\($0 % 5)", schemaURL: $0 % 2 == 0 ? "" : "u") }
        var spanBatches: [TelemetryBatch] = []
        var logBatches: [TelemetryBatch] = []
        for (index, resource) in resources.enumerated() {
            let spans = (0..<10).map { item in
                Span(traceID: OTLPSamples.traceID, spanID: SpanID(UInt64(item + 1)), name: "span \(index).\(item)",
                     start: OTLPSamples.now, end: OTLPSamples.now, scope: scopes[(index * 3 + item) % scopes.count])
            }
            spanBatches.append(.spans(spans, resource: resource))
            logBatches.append(.logs(spans.map {
                LogRecord(observedTimestamp: OTLPSamples.now, body: Array($0.name.utf8), scope: $0.scope)
            }, resource: resource))
        }
        try Self.expectSameSpans(spanBatches)
        try Self.expectSameLogs(logBatches)
    }

    // MARK: - Grouping

    /// The grouping rule written the plain way, item by item: what `OTLPGrouping` (which
    /// works on runs of items) must agree with.
    static func referenceGroups<Item>(
        _ batches: [TelemetryBatch], _ items: (TelemetryBatch) -> [(InstrumentationScope, Item)]
    ) -> [(resource: Resource, scopes: [(scope: InstrumentationScope, items: [Item])])] {
        var groups: [(resource: Resource, scopes: [(scope: InstrumentationScope, items: [Item])])] = []
        for batch in batches where !batch.isEmpty {
            let resource = groups.firstIndex { $0.resource == batch.resource } ?? {
                groups.append((batch.resource, []))
                return groups.count - 1
            }()
            for (scope, item) in items(batch) {
                let index = groups[resource].scopes.firstIndex { $0.scope == scope } ?? {
                    groups[resource].scopes.append((scope, []))
                    return groups[resource].scopes.count - 1
                }()
                groups[resource].scopes[index].items.append(item)
            }
        }
        return groups
    }

    @Test("grouping by runs gives what grouping item by item gives: 500 random mixes of resources, scopes and signals")
    func grouping() async {
        var random = OTLPRandomTelemetry(seed: 0x5EED_0003)
        random.notANumber = false
        for round in 0..<500 {
            if round % 16 == 0 { await Task.yield() }  // share the 2-thread test pool
            var batches = random.spanBatches() + random.logBatches()
            batches.shuffle(using: &random.random)
            let spans = Self.referenceGroups(batches) { (batch: TelemetryBatch) -> [(InstrumentationScope, Span)] in
                guard case .spans(let spans) = batch.payload else { return [] }
                return spans.map { ($0.scope, $0) }
            }
            let groupedSpans = OTLPGrouping.spans(batches)
            #expect(groupedSpans.map(\.resource) == spans.map { $0.resource }, "round \(round)")
            #expect(groupedSpans.map { $0.scopes.map(\.scope) } == spans.map { $0.scopes.map { $0.scope } }, "round \(round)")
            #expect(groupedSpans.map { $0.scopes.map(\.items) } == spans.map { $0.scopes.map { $0.items } }, "round \(round)")
            let logs = Self.referenceGroups(batches) { (batch: TelemetryBatch) -> [(InstrumentationScope, LogRecord)] in
                guard case .logs(let records) = batch.payload else { return [] }
                return records.map { ($0.scope, $0) }
            }
            let groupedLogs = OTLPGrouping.logs(batches)
            #expect(groupedLogs.map(\.resource) == logs.map { $0.resource }, "round \(round)")
            #expect(groupedLogs.map { $0.scopes.map(\.scope) } == logs.map { $0.scopes.map { $0.scope } }, "round \(round)")
            #expect(groupedLogs.map { $0.scopes.map(\.items) } == logs.map { $0.scopes.map { $0.items } }, "round \(round)")
        }
        let metrics = Self.referenceGroups(OTLPSamples.metrics + OTLPSamples.metrics.reversed()) {
            (batch: TelemetryBatch) -> [(InstrumentationScope, (MetricFamily, Timestamp))] in
            guard case .metrics(let metrics) = batch.payload else { return [] }
            return metrics.families.map { ($0.scope, ($0, metrics.timestamp)) }
        }
        let groupedMetrics = OTLPGrouping.metrics(OTLPSamples.metrics + OTLPSamples.metrics.reversed())
        #expect(groupedMetrics.map(\.resource) == metrics.map { $0.resource })
        #expect(groupedMetrics.map { $0.scopes.map(\.scope) } == metrics.map { $0.scopes.map { $0.scope } })
        #expect(groupedMetrics.map { $0.scopes.map { $0.items.map(\.family) } } == metrics.map { $0.scopes.map { $0.items.map { $0.0 } } })
        #expect(groupedMetrics.map { $0.scopes.map { $0.items.map(\.batchTimestamp) } } == metrics.map { $0.scopes.map { $0.items.map { $0.1 } } })
    }

    // MARK: - Random batches

    /// A signal's random requests: the direct writer's bytes beside swift-protobuf's.
    enum RandomRequests: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case spans, logs, metrics

        var testDescription: String { rawValue }

        var seed: UInt64 {
            switch self {
            case .spans: 0x5EED_0001
            case .logs: 0x5EED_0002
            case .metrics: 0x5EED_0004
            }
        }

        func encodings(_ random: inout OTLPRandomTelemetry) throws -> (written: [UInt8], expected: [UInt8]) {
            switch self {
            case .spans:
                let batches = random.spanBatches()
                return (OTLPSpans.serialize(batches), try OTLPSpans.request(batches).serializedBytes())
            case .logs:
                let batches = random.logBatches()
                return (OTLPLogs.serialize(batches), try OTLPLogs.request(batches).serializedBytes())
            case .metrics:
                let batches = random.metricBatches()
                return (OTLPMetrics.serialize(batches), try OTLPMetrics.request(batches).serializedBytes())
            }
        }
    }

    @Test("2 000 random requests: identical bytes", arguments: RandomRequests.allCases)
    func randomRequests(_ signal: RandomRequests) async throws {
        var random = OTLPRandomTelemetry(seed: signal.seed)
        for round in 0..<2_000 {
            if round % 32 == 0 { await Task.yield() }  // share the 2-thread test pool
            let (written, expected) = try signal.encodings(&random)
            guard written == expected else {
                Issue.record("\(signal) round \(round): \(Self.firstDifference(written, expected))")
                return
            }
        }
    }
}

/// Random telemetry from a seed: values drawn from pools of awkward cases (empty, zero,
/// unicode, lengths at the varint boundaries, invalid UTF-8), shared resources and scopes so
/// that grouping has work to do.
struct OTLPRandomTelemetry {
    var random: SplitMix64
    /// NaN attribute values; off where items are compared with `==` (NaN is not equal to itself).
    var notANumber = true

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    static let texts = [
        "", "a", "GET /checkout", "日本語 ✓ 🚀", "\u{0}", "déjà-vu/ü", String(repeating: "x", count: 127),
        String(repeating: "y", count: 128), String(repeating: "é", count: 70), String(repeating: "z", count: 16_400),
    ]

    mutating func chance(_ oneIn: Int) -> Bool { random.next(oneIn) == 0 }

    mutating func text() -> String {
        // The 16 KiB text (the last) is rare: it is there for the three-byte lengths.
        let index = random.next(Self.texts.count)
        return index < Self.texts.count - 1 || chance(20) ? Self.texts[index] : Self.texts[random.next(4)]
    }

    mutating func number() -> UInt64 {
        switch random.next(5) {
        case 0: 0
        case 1: UInt64(random.next(200))
        case 2: .max
        default: random.next()
        }
    }

    mutating func timestamp() -> Timestamp {
        switch random.next(6) {
        case 0: Timestamp(nanosecondsSinceEpoch: 0)
        case 1: Timestamp(nanosecondsSinceEpoch: -Int64(random.next(1000)) - 1)
        case 2: Timestamp(nanosecondsSinceEpoch: .max)
        default: Timestamp(nanosecondsSinceEpoch: Int64(truncatingIfNeeded: random.next() >> 1))
        }
    }

    mutating func count32() -> UInt32 { UInt32(truncatingIfNeeded: number()) }

    mutating func traceID() -> TraceID { chance(8) ? TraceID(high: 0, low: 0) : TraceID(high: number(), low: number()) }

    mutating func spanID() -> SpanID { SpanID(number()) }

    mutating func bytes() -> [UInt8] {
        let count = [0, 1, 5, 127, 128, 300][random.next(6)]
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }

    mutating func value(depth: Int) -> AttributeValue {
        switch random.next(depth > 3 ? 5 : 7) {
        case 0: .string(text())
        case 1: .bool(chance(2))
        case 2: .int(Int64(bitPattern: number()))
        case 3: .double([0, -0.0, 0.1, -1e300, .infinity, notANumber ? .nan : 1.5, .leastNonzeroMagnitude][random.next(7)])
        case 4: .bytes(bytes())
        case 5: .array((0..<random.next(4)).map { _ in value(depth: depth + 1) })
        default: .map(attributes(depth: depth + 1))
        }
    }

    mutating func attributes(depth: Int = 0) -> Attributes {
        var attributes = Attributes()
        for _ in 0..<random.next(depth == 0 ? 7 : 4) { attributes[chance(6) ? "" : "k\(random.next(12))"] = value(depth: depth) }
        return attributes
    }

    mutating func scope() -> InstrumentationScope {
        let pool = [
            InstrumentationScope(), InstrumentationScope(name: "lib"), InstrumentationScope(name: "lib", version: "1.0"),
            InstrumentationScope(attributes: ["scope.kind": "web"]), InstrumentationScope(schemaURL: "https://opentelemetry.io/schemas/1.24.0"),
            InstrumentationScope(name: "日本", version: "", attributes: ["n": 1], schemaURL: "s"),
        ]
        return chance(10) ? InstrumentationScope(name: text(), version: text(), attributes: attributes(), schemaURL: text()) : pool[random.next(pool.count)]
    }

    mutating func resource() -> Resource {
        let pool = [
            Resource(), Resource(attributes: ["service.name": "checkout"]),
            Resource(attributes: ["service.name": "checkout", "k8s.pod.name": "checkout-7d9f"], schemaURL: "https://opentelemetry.io/schemas/1.21.0"),
            Resource(schemaURL: "only"),
        ]
        return chance(8) ? Resource(attributes: attributes(), schemaURL: text()) : pool[random.next(pool.count)]
    }

    mutating func span() -> Span {
        Span(
            traceID: traceID(), spanID: spanID(), parentSpanID: chance(3) ? nil : spanID(), traceState: chance(2) ? "" : text(),
            flags: count32(), name: text(), kind: Span.Kind(rawValue: UInt8(random.next(6)))!, start: timestamp(), end: timestamp(),
            attributes: attributes(),
            events: (0..<random.next(3)).map { _ in
                Span.Event(name: text(), timestamp: timestamp(), attributes: attributes(depth: 1), droppedAttributesCount: count32())
            },
            links: (0..<random.next(3)).map { _ in
                Span.Link(traceID: traceID(), spanID: spanID(), traceState: chance(2) ? "" : text(), attributes: attributes(depth: 1),
                          flags: count32(), droppedAttributesCount: count32())
            },
            status: Span.Status(code: Span.Status.Code(rawValue: UInt8(random.next(3)))!, message: chance(2) ? "" : text()),
            scope: scope(), droppedAttributesCount: count32(), droppedEventsCount: count32(), droppedLinksCount: count32())
    }

    mutating func record() -> LogRecord {
        var body: [UInt8]
        switch random.next(4) {
        case 0: body = []
        case 1: body = bytes()
        default: body = Array(text().utf8)
        }
        if chance(6), !body.isEmpty { body[random.next(body.count)] = [0x80, 0xC3, 0xED, 0xF4, 0xFF][random.next(5)] }
        var record = LogRecord(
            timestamp: chance(3) ? nil : timestamp(), observedTimestamp: timestamp(), body: body, attributes: attributes(),
            traceID: chance(3) ? nil : traceID(), spanID: chance(3) ? nil : spanID(), flags: UInt8(truncatingIfNeeded: number()),
            scope: scope(), eventName: chance(2) ? "" : text(), droppedAttributesCount: count32())
        record.severity = Severity(number: 0, text: chance(2) ? "" : text())
        record.severity.number = UInt8(truncatingIfNeeded: random.next(30))
        return record
    }

    mutating func spanBatches() -> [TelemetryBatch] {
        (0..<random.next(4)).map { _ in .spans((0..<random.next(6)).map { _ in span() }, resource: resource()) }
    }

    mutating func labels() -> (Labels, LabelTypes) {
        var labels = Labels()
        var types = LabelTypes()
        for index in 0..<random.next(5) {
            let name = chance(8) ? "" : "l\(index)"
            let texts = ["", "0", "-9223372036854775808", "9223372036854775807", "0.1", "-0.0", "NaN", "+Inf", "1e300", "true", "false", text()]
            labels.pairs.append((name, texts[random.next(texts.count)]))
            if chance(2) { types.append(name, LabelTypes.Kind(rawValue: UInt8(random.next(3)))!) }
        }
        return (labels, types)
    }

    mutating func histogram() -> HistogramValue {
        let bounds = (0..<random.next(5)).map { Double($0) * 2.5 - 1 }
        let counts = chance(4) ? [] : (0...bounds.count).map { _ in number() }
        return HistogramValue(
            bounds: bounds, counts: counts, sum: [0, -0.0, 27.125, .nan][random.next(4)], count: number(),
            min: chance(2) ? nil : [0, -0.0, -2.5][random.next(3)], max: chance(2) ? nil : [0, 17.5][random.next(2)])
    }

    mutating func sample(histogram isHistogram: Bool) -> MetricSample {
        let (labels, types) = labels()
        let number: MetricNumber = chance(2)
            ? .int(Int64(bitPattern: number()))
            : .double([0, -0.0, 0.1, .nan, .infinity, -1e300, Double(Int64.max)][random.next(7)])
        return MetricSample(
            labels: labels, number: number, histogram: isHistogram && !chance(8) ? histogram() : nil,
            timestamp: chance(2) ? nil : timestamp(), startTimestamp: chance(2) ? nil : timestamp(), labelTypes: types)
    }

    mutating func family() -> MetricFamily {
        let kind = [MetricFamily.Kind.counter, .gauge, .histogram, .upDownCounter][random.next(4)]
        return MetricFamily(
            name: chance(8) ? "" : text(), help: chance(2) ? "" : text(), kind: kind, unit: chance(2) ? "" : "s",
            samples: (0..<random.next(5)).map { _ in sample(histogram: kind == .histogram) }, scope: scope())
    }

    mutating func metricBatches() -> [TelemetryBatch] {
        (0..<random.next(4)).map { _ in
            .metrics(MetricBatch(families: (0..<random.next(5)).map { _ in family() }, timestamp: timestamp()), resource: resource())
        }
    }

    mutating func logBatches() -> [TelemetryBatch] {
        (0..<random.next(4)).map { _ in .logs((0..<random.next(6)).map { _ in record() }, resource: resource()) }
    }
}
