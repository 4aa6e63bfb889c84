import Foundation
import OTLP
@testable import Receivers
import SwiftProtobuf
import Telemetry
import TestSupport
import Testing

/// Seeded random mutations of the corpus (Fixtures/corpus: the request fixtures and small
/// edge cases) through the whole decoder: every input gives batches or a 400/413, never a
/// crash, and what decodes re-encodes to a request that decodes to the same thing. A
/// failure names its seed and iteration, so it replays exactly; crashers found this way
/// or by libFuzzer (scripts/fuzz-otlp.sh) go into the corpus once fixed.
@Suite("OTLP request decoding: fuzzing")
struct DecoderFuzzTests {
    typealias F = RequestFixtures

    /// Four seeds of 5 000 mutated bodies each, run in parallel; each stops early at the
    /// time cap (a slow machine runs fewer, never longer). For a long hunt:
    /// `OUTRIDER_FUZZ_ITERATIONS=1000000 OUTRIDER_FUZZ_SECONDS=600 OUTRIDER_FUZZ_SEED=…`.
    static let seeds: [UInt64] = environment("OUTRIDER_FUZZ_SEED").map { [$0] } ?? [0x0715_0001, 0x0715_0002, 0x0715_0003, 0x0715_0004]
    static let iterations = environment("OUTRIDER_FUZZ_ITERATIONS").map(Int.init) ?? 5_000
    static let timeCap = Duration.seconds(environment("OUTRIDER_FUZZ_SECONDS") ?? 20)

    static func environment(_ name: String) -> UInt64? {
        ProcessInfo.processInfo.environment[name].flatMap { UInt64($0) }
    }

    @Test("every corpus file decodes as it is")
    func corpusIsValid() throws {
        let corpus = try F.corpus()
        #expect(corpus.count >= 20)
        for entry in corpus {
            #expect(throws: Never.self, "\(entry)") { try F.decode(entry.bytes, entry.signal, entry.contentType) }
        }
    }

    @Test("mutated bodies: batches or 400/413, and what decodes re-encodes", arguments: seeds)
    func mutations(seed: UInt64) async throws {
        let corpus = try F.corpus()
        var rng = SplitMix64(seed: seed)
        var mutator = Mutator(corpus: corpus)
        var accepted = 0
        var refused: [Int: Int] = [:]
        let clock = ContinuousClock()
        let deadline = clock.now + Self.timeCap
        var done = 0
        for iteration in 0..<Self.iterations where clock.now < deadline {
            if iteration % 64 == 0 { await Task.yield() }  // share the 2-thread test pool
            done += 1
            let input = mutator.next(&rng)
            do {
                let decoded = try F.decode(input.body, input.signal, input.contentType, encoding: input.encoding, limit: input.limit)
                accepted += 1
                try Self.checkReencodes(decoded, input.signal, context: "seed \(seed) iteration \(iteration) from \(input.origin)")
            } catch let error as OTLPRequestError {
                refused[error.status, default: 0] += 1
                #expect(error.status == 400 || error.status == 413, "seed \(seed) iteration \(iteration) from \(input.origin): \(error)")
                #expect(error.message.utf8.count <= 300, "seed \(seed) iteration \(iteration): the message quotes too much")
            }
        }
        // Both outcomes are exercised, or the mutations are too timid (or too wild).
        // (In proportion to what ran: a loaded machine may reach the time cap first.)
        #expect(accepted > done / 50, "seed \(seed): \(accepted) accepted of \(done)")
        #expect(refused[400, default: 0] > done / 50, "seed \(seed): \(refused) refused of \(done)")
        #expect(refused[413, default: 0] > 0, "seed \(seed): \(refused) refused")
    }

    /// The batches as a protobuf request, decoded again, are the same request: compared as
    /// bytes of the second encoding, since a NaN in a value is not equal to itself.
    static func checkReencodes(_ decoded: OTLPDecoded, _ signal: Signal, context: String) throws {
        let first = try encode(decoded.batches, signal)
        let again = try F.decode(first, signal, .protobuf)
        #expect(again.partialSuccess.rejected == 0, "\(context): re-decoding rejected \(again.partialSuccess.errorMessage)")
        #expect(try encode(again.batches, signal) == first, "\(context): re-encoding is not stable")
    }

    static func encode(_ batches: [TelemetryBatch], _ signal: Signal) throws -> [UInt8] {
        switch signal {
        case .traces: try OTLPSpans.request(batches).serializedBytes()
        case .logs: try OTLPLogs.request(batches).serializedBytes()
        case .metrics: try OTLPMetrics.request(batches).serializedBytes()
        }
    }
}

/// One fuzz input: a corpus body after a few mutations, perhaps gzipped, perhaps sent to
/// the wrong signal or as the wrong content type.
struct FuzzInput {
    var body: [UInt8]
    var signal: Signal
    var contentType: OTLPContentType
    var encoding: String?
    var limit: Int
    var origin: String
}

struct Mutator {
    let corpus: [CorpusEntry]

    /// Bytes that steer parsers into their interesting branches.
    static let interesting: [UInt8] = [
        0x00, 0x01, 0x7F, 0x80, 0xFF, 0xC3, 0x0A, 0x12, 0x1A, 0x22, 0x08, 0x09, 0x0D,
    ] + Array(#""\{}[]:,0123456789abcdefABCDEF-+.eEnulltruefalse "#.utf8)
    static let tokens = [
        "\"traceId\":", "\"spanId\":\"", "\"parentSpanId\":\"\"", "\\u0000", "\\ud800", "\"NaN\"", "1e999", "-0",
        "99999999999999999999", "null", "[", "{", "\"", "\\", "\"AAAA\"", "\"intValue\":\"-9223372036854775809\"",
        "\"kvlistValue\":{\"values\":[", "\"arrayValue\":{\"values\":[",
    ].map { Array($0.utf8) }

    mutating func next(_ rng: inout SplitMix64) -> FuzzInput {
        let base = corpus[rng.next(corpus.count)]
        var body = base.bytes
        var steps: [String] = []
        for _ in 0...rng.next(3) { steps.append(mutate(&body, &rng)) }
        var input = FuzzInput(
            body: body, signal: base.signal, contentType: base.contentType, encoding: nil, limit: 1 << 20,
            origin: "\(base.name) [\(steps.joined(separator: ", "))]")
        if rng.next(10) == 0 { input.signal = Signal.allCases[rng.next(3)] }
        if rng.next(20) == 0 { input.contentType = input.contentType == .json ? .protobuf : .json }
        switch rng.next(10) {
        case 0, 1:
            input.encoding = "gzip"
            input.body = TestCompression.gzip(input.body)
            if rng.next(2) == 0 { input.origin += " gzip+" + mutate(&input.body, &rng) } else { input.origin += " gzip" }
        case 2:
            input.limit = rng.next(input.body.count + 1)  // often under the size: 413
            input.origin += " limit \(input.limit)"
        case 3:
            // A bomb-like body: a little gzip of many zeros, over a small limit.
            input.encoding = "gzip"
            input.body = TestCompression.gzip(input.body + [UInt8](repeating: 0, count: 64 << 10))
            input.limit = 32 << 10
            input.origin += " gzip-padded"
        default: break
        }
        return input
    }

    /// One mutation, in place; returns its name for the failure message.
    func mutate(_ body: inout [UInt8], _ rng: inout SplitMix64) -> String {
        let position = rng.next(body.count + 1)
        switch rng.next(10) {
        case 0 where !body.isEmpty:
            body[min(position, body.count - 1)] ^= UInt8(1 << rng.next(8))
            return "flip@\(position)"
        case 1 where !body.isEmpty:
            body[min(position, body.count - 1)] = Self.interesting[rng.next(Self.interesting.count)]
            return "set@\(position)"
        case 2:
            body.insert(contentsOf: (0...rng.next(8)).map { _ in Self.interesting[rng.next(Self.interesting.count)] }, at: position)
            return "insert@\(position)"
        case 3 where !body.isEmpty:
            let start = min(position, body.count - 1)
            body.removeSubrange(start..<min(body.count, start + 1 + rng.next(16)))
            return "delete@\(start)"
        case 4:
            body.removeLast(body.count - position)
            return "truncate@\(position)"
        case 5:
            let other = corpus[rng.next(corpus.count)].bytes
            body = Array(body[..<position]) + other[rng.next(other.count + 1)...]
            return "splice@\(position)"
        case 6 where !body.isEmpty && body.count < 32 << 10:
            let start = rng.next(body.count)
            let chunk = body[start..<min(body.count, start + 1 + rng.next(64))]
            body.insert(contentsOf: chunk, at: position)
            return "duplicate@\(position)"
        case 7:
            body.insert(contentsOf: Self.tokens[rng.next(Self.tokens.count)], at: position)
            return "token@\(position)"
        default:
            return corruptID(&body, &rng)
        }
    }

    /// A hex id in a JSON body made wrong: a digit replaced, dropped or added, or the
    /// value emptied. Elsewhere (protobuf, no id left) a byte of a length prefix is bumped.
    func corruptID(_ body: inout [UInt8], _ rng: inout SplitMix64) -> String {
        let marks = Self.idValueStarts(body)
        guard !marks.isEmpty else {
            guard !body.isEmpty else { return "none" }
            let at = rng.next(body.count)
            body[at] &+= 1
            return "bump@\(at)"
        }
        let start = marks[rng.next(marks.count)]
        let at = min(start + rng.next(32), body.count - 1)
        switch rng.next(4) {
        case 0: body[at] = Array("gG x\"\\".utf8)[rng.next(6)]
        case 1: body.remove(at: at)
        case 2: body.insert(Array("0aF".utf8)[rng.next(3)], at: at)
        default: body.removeSubrange(start..<min(body.count, start + 16))
        }
        return "id@\(at)"
    }

    /// Where the values of `…Id"` / `…_id"` keys start (just after their opening quote).
    static func idValueStarts(_ body: [UInt8]) -> [Int] {
        var starts: [Int] = []
        var index = 1
        while index + 4 < body.count {
            if body[index] == UInt8(ascii: "d"), body[index + 1] == UInt8(ascii: "\""), body[index - 1] | 0x20 == UInt8(ascii: "i") {
                var value = index + 2
                while value < body.count, body[value] == UInt8(ascii: ":") || body[value] == UInt8(ascii: " ") { value += 1 }
                if value < body.count, body[value] == UInt8(ascii: "\"") { starts.append(value + 1) }
            }
            index += 1
        }
        return starts
    }
}
