import Testing
@testable import Pipeline
import Telemetry

/// A disk buffer keeps which metric labels an SDK sent as ints, doubles or bools
/// (`MetricSample.labelTypes`), so they still leave as those types after a restart; samples
/// without types are written exactly as before.
@Suite("BatchCodec: metric label types")
struct BatchCodecLabelTypesTests {
    static func ts(_ nanoseconds: Int64) -> Timestamp { Timestamp(nanosecondsSinceEpoch: nanoseconds) }

    static func sample(_ labels: Labels, _ types: [(String, LabelTypes.Kind)]) -> MetricSample {
        var sample = MetricSample(labels: labels, number: .int(1))
        sample.labelTypes = LabelTypes(types.map { LabelTypes.Entry(name: $0.0, kind: $0.1) })
        return sample
    }

    static let coreTypes: [(String, LabelTypes.Kind)] = [("core", .int), ("throttled", .bool)]

    static let batch: TelemetryBatch = {
        let gauge = MetricFamily(name: "cpu.temperature", help: "", kind: .gauge, samples: [
            sample(["core": "0", "throttled": "true"], coreTypes),
            sample(["core": "1", "throttled": "false"], coreTypes),  // the same types: flagged, not repeated
            sample(["core": "2", "throttled": "x"], [("core", .int), ("throttled", .double)]),
            MetricSample(labels: ["core": "3", "throttled": "true"], value: 1),  // none
            sample(["core": "4", "throttled": "true"], coreTypes),  // after none: written again
            sample(["ratio": "0.5", "user.id": "[REDACTED]"], [("user.id", .int), ("ratio", .double), ("gone", .bool)]),
        ])
        // A new family starts afresh, even with the types its predecessor ended with.
        let counter = MetricFamily(name: "requests", help: "", kind: .counter, samples: [
            sample(["ratio": "0.5", "user.id": "[REDACTED]"], [("user.id", .int), ("ratio", .double), ("gone", .bool)]),
        ])
        return .metrics(MetricBatch(families: [gauge, counter], timestamp: ts(10)))
    }()

    @Test("label types survive a round trip, stale and rewritten ones included, and re-encode to the same bytes")
    func roundTrip() throws {
        let bytes = BatchCodec.encode(Self.batch)
        let decoded = try BatchCodec.decode(bytes)
        #expect(decoded == Self.batch)
        #expect(BatchCodec.encode(decoded) == bytes)
    }

    @Test("repeated types cost nothing after the first sample of a family; samples without types nothing at all")
    func repeatedTypesAreFlagged() {
        let samples = (0..<100).map { Self.sample(["core": "\($0 % 8)"], [("core", .int)]) }
        func size(_ samples: [MetricSample]) -> Int {
            let batch = TelemetryBatch.metrics(MetricBatch(families: [MetricFamily(name: "m", help: "", kind: .gauge, samples: samples)],
                                                           timestamp: Self.ts(1)))
            return BatchCodec.encode(batch, events: samples.count, estimatedBytes: 0).count
        }
        let untyped = samples.map { MetricSample(labels: $0.labels, number: $0.number) }
        // Once: a count, "core" and its kind byte.
        #expect(size(samples) - size(untyped) == 1 + 5 + 1)
    }

    @Test("every truncation of a record with label types throws, never traps")
    func truncation() {
        let bytes = BatchCodec.encode(Self.batch)
        for length in 0..<bytes.count {
            #expect(throws: BatchCodecError.self) { try BatchCodec.decode(Array(bytes[0..<length])) }
        }
    }

    /// One gauge sample's bytes: its flags, the label `k` = `1` (or only the value, when the
    /// flags say the names are the previous sample's), the value 0.0, then `tail`.
    static func sampleBytes(_ flags: UInt8, tail: [UInt8] = []) -> [UInt8] {
        let labels: [UInt8] = flags & 0x01 == 0 ? [1, 1, 0x6B, 1, 0x31] : [1, 0x31]
        return [flags] + labels + [UInt8](repeating: 0, count: 8) + tail
    }

    /// A metrics record of one gauge family `m` with those samples: the first sample's flags
    /// byte is at offset 20.
    static func record(_ samples: [UInt8]...) -> [UInt8] {
        [1, UInt8(samples.count), 0, 1, 0] + [UInt8](repeating: 0, count: 8) + [1, 1, 0x6D, 0, 1, 0, UInt8(samples.count)]
            + samples.flatMap { $0 }
    }

    /// `k` is an int.
    static let intTypes: [UInt8] = [1, 1, 0x6B, 0]

    @Test("hand-written records: types and \"the same types\" read as written; contradictions and unknown kinds are refused")
    func handWritten() throws {
        let bytes = Self.record(Self.sampleBytes(0x20, tail: Self.intTypes), Self.sampleBytes(0x41))
        var typed = MetricSample(labels: ["k": "1"], value: 0)
        typed.labelTypes = LabelTypes([LabelTypes.Entry(name: "k", kind: .int)])
        let decoded = try BatchCodec.decode(bytes)
        #expect(decoded == .metrics(MetricBatch(families: [MetricFamily(name: "m", help: "", kind: .gauge, samples: [typed, typed])],
                                                timestamp: Self.ts(0))))
        #expect(BatchCodec.encode(decoded, events: 2, estimatedBytes: 0) == bytes)

        // "The same types" on the first sample, after a sample without types, or with types of its own.
        #expect(throws: BatchCodecError.badTag(field: "metric sample flags", offset: 20, tag: 0x40)) {
            try BatchCodec.decode(Self.record(Self.sampleBytes(0x40)))
        }
        #expect(throws: BatchCodecError.badTag(field: "metric sample flags", offset: 34, tag: 0x41)) {
            try BatchCodec.decode(Self.record(Self.sampleBytes(0), Self.sampleBytes(0x41)))
        }
        #expect(throws: BatchCodecError.badTag(field: "metric sample flags", offset: 38, tag: 0x61)) {
            try BatchCodec.decode(Self.record(Self.sampleBytes(0x20, tail: Self.intTypes), Self.sampleBytes(0x61, tail: Self.intTypes)))
        }
        // No types after the flag that says some follow; a kind this version does not know; a bit it does not define.
        #expect(throws: BatchCodecError.outOfRange(field: "label type count", offset: 34, value: 0)) {
            try BatchCodec.decode(Self.record(Self.sampleBytes(0x20, tail: [0])))
        }
        #expect(throws: BatchCodecError.badTag(field: "label type", offset: 37, tag: 3)) {
            try BatchCodec.decode(Self.record(Self.sampleBytes(0x20, tail: [1, 1, 0x6B, 3])))
        }
        #expect(throws: BatchCodecError.badTag(field: "metric sample flags", offset: 20, tag: 0x80)) {
            try BatchCodec.decode(Self.record(Self.sampleBytes(0x80)))
        }
    }
}
