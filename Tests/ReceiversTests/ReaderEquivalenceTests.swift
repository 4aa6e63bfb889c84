import Foundation
import OTLP
@testable import Receivers
import Telemetry
import TestSupport
import Testing

/// The direct trace reader gives what swift-protobuf + `OTLPSpans.batches(from:)` give, for
/// every fixture, mutated fixtures and generated requests: the same batches and partial
/// success, or the same refusal. A failure names its seed and iteration, so it replays.
@Suite("OTLP protobuf trace reader: equivalence with swift-protobuf")
struct ReaderEquivalenceTests {
    typealias F = RequestFixtures

    /// Every file of the fixtures, read as a trace request whatever it holds: traces decode,
    /// logs and metrics bodies and JSON mostly do not, and the two readers must agree on both.
    @Test("every fixture file")
    func fixtures() throws {
        var names: [String] = []
        for folder in ["corpus", "requests"] {
            let path = F.directory.appendingPathComponent(folder).path
            names += try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { "\(folder)/\($0)" }
        }
        #expect(names.count >= 40)
        var decodedSpans = 0
        for name in names {
            let bytes = try F.bytes(name)
            #expect(ReaderEquivalence.difference(bytes) == nil, "\(name): \(ReaderEquivalence.difference(bytes) ?? "")")
            if case .decoded(let decoded) = ReaderEquivalence.direct(bytes) { decodedSpans += decoded.spans.count }
        }
        #expect(decodedSpans >= 5, "the trace fixtures decode to spans")
    }

    static let seeds: [UInt64] = [0x0707_0001, 0x0707_0002, 0x0707_0003, 0x0707_0004]
    static let iterations = 6_000

    /// The protobuf trace fixtures (the bodies that reach the reader in earnest) mutated as
    /// DecoderFuzzTests mutates them, 1–4 mutations each; other corpus bodies are spliced in.
    @Test("mutated trace bodies", arguments: seeds)
    func mutations(seed: UInt64) async throws {
        let corpus = try F.corpus()
        let requests = try ["traces.binpb", "spec-trace.binpb"].map { CorpusEntry(name: "traces-\($0)", bytes: try F.request($0)) }
        let traces = corpus.filter { $0.signal == .traces && $0.contentType == .protobuf && !$0.bytes.isEmpty } + requests
        let mutator = Mutator(corpus: corpus)
        var rng = SplitMix64(seed: seed)
        var outcomes = OutcomeCount()
        for iteration in 0..<Self.iterations {
            if iteration % 64 == 0 { await Task.yield() }  // share the 2-thread test pool
            let base = traces[rng.next(traces.count)]
            var body = base.bytes
            var steps: [String] = []
            for _ in 0...rng.next(4) { steps.append(mutator.mutate(&body, &rng)) }
            let (expected, actual) = (ReaderEquivalence.reference(body), ReaderEquivalence.direct(body))
            #expect(
                ReaderEquivalence.same(expected, actual),
                "seed \(seed) iteration \(iteration) from \(base.name) [\(steps.joined(separator: ", "))]: swift-protobuf \(expected), direct \(actual)")
            outcomes.count(actual)
        }
        outcomes.expectBothSides(seed: seed)
    }

    /// Requests written from the schema, with what mutations rarely make (repeated singular
    /// messages, oneof members in turn, wrong wire types, groups, deep nesting), and some of
    /// them mutated too.
    @Test("generated requests", arguments: seeds)
    func generated(seed: UInt64) async throws {
        let mutator = Mutator(corpus: try F.corpus())
        var generator = TraceRequestGenerator(seed: seed)
        var outcomes = OutcomeCount()
        for iteration in 0..<Self.iterations {
            if iteration % 64 == 0 { await Task.yield() }  // share the 2-thread test pool
            var body = generator.request()
            var mutation = ""
            if generator.rng.next(4) == 0 { mutation = " " + mutator.mutate(&body, &generator.rng) }
            let (expected, actual) = (ReaderEquivalence.reference(body), ReaderEquivalence.direct(body))
            #expect(
                ReaderEquivalence.same(expected, actual),
                "seed \(seed) iteration \(iteration)\(mutation): swift-protobuf \(expected), direct \(actual); body \(body)")
            outcomes.count(actual)
        }
        outcomes.expectBothSides(seed: seed)
        #expect(outcomes.rejectedSpans > 0 && outcomes.notes > 0, "seed \(seed): \(outcomes)")
    }
}

/// What a run produced, so a run that only ever fails (or never does) is noticed.
struct OutcomeCount: CustomStringConvertible {
    var decoded = 0
    var spans = 0
    var rejectedSpans = 0
    var notes = 0
    var refused: [String: Int] = [:]

    mutating func count(_ outcome: ReaderEquivalence.Outcome) {
        switch outcome {
        case .decoded(let result):
            decoded += 1
            spans += result.spans.count
            rejectedSpans += result.partialSuccess.rejected
            notes += result.partialSuccess.reasons.count + result.partialSuccess.duplicateAttributeKeys
        case .refused(let reason): refused[reason, default: 0] += 1
        }
    }

    func expectBothSides(seed: UInt64) {
        #expect(decoded > 500 && spans > 500, "seed \(seed): \(self)")
        #expect(refused.values.reduce(0, +) > 200, "seed \(seed): \(self)")
        #expect(refused.count >= 3, "seed \(seed): several kinds of refusal, \(self)")
    }

    var description: String {
        "\(decoded) decoded (\(spans) spans, \(rejectedSpans) rejected, \(notes) notes), refused \(refused)"
    }
}

extension CorpusEntry {
    /// A body that is not in Fixtures/corpus (the request fixtures).
    init(name: String, bytes: [UInt8]) {
        self.init(name: name)!
        self.bytes = bytes
    }
}
