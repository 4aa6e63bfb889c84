import Testing
import TestSupport
@testable import Exporters

@Suite("Compression: snappy")
struct SnappyTests {
    /// Named, so a test run lists the name and not a million bytes.
    enum Sample: String, CaseIterable {
        case empty, oneByte, protobufLike, repetitive, noise

        var bytes: [UInt8] {
            switch self {
            case .empty: return []
            case .oneByte: return [0x2A]
            case .protobufLike: return Array((0..<2000).map { "\u{0A}\u{08}__name__\u{12}node_cpu_seconds_total\($0 % 7)" }.joined().utf8)
            case .repetitive: return Array(repeating: Array("abcdefgh".utf8), count: 100_000).flatMap { $0 }
            case .noise:
                var random = SplitMix64(seed: 7)
                return (0..<300_000).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            }
        }
    }

    @Test("round-trips, and an independent decoder of the block format reads what it writes", arguments: Sample.allCases)
    func roundTrip(sample: Sample) throws {
        let input = sample.bytes
        let compressed = try Snappy.compress(input)
        #expect(try Snappy.decompress(compressed) == input)
        #expect(try SnappyReference.decode(compressed) == input)
    }

    @Test("repetitive input shrinks; the length header is the input's size")
    func shrinks() throws {
        let input = Sample.repetitive.bytes
        let compressed = try Snappy.compress(input)
        #expect(compressed.count < input.count / 10)
        #expect(try SnappyReference.length(compressed).value == input.count)
    }

    @Test("decompress refuses garbage, a truncated block and a length over the limit, saying which")
    func refusals() throws {
        let good = try Snappy.compress(Sample.protobufLike.bytes)
        #expect(throws: Snappy.Failure.self) { try Snappy.decompress([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]) }
        #expect(throws: Snappy.Failure.self) { try Snappy.decompress(Array(good.prefix(good.count / 2))) }
        do {
            _ = try Snappy.decompress(good, limit: 100)
            Issue.record("a block over the limit was decoded")
        } catch {
            #expect(error.operation == .decompress)
            #expect(error.description.contains("more than the 100 allowed"))
        }
    }
}

/// Snappy's block format decoded from its description (format_description.txt), without
/// libsnappy: a varint length, then literals and back-references.
enum SnappyReference {
    struct Invalid: Error {}

    static func length(_ bytes: [UInt8]) throws -> (value: Int, next: Int) {
        var value = 0
        var shift = 0
        var index = 0
        while true {
            guard index < bytes.count, shift < 35 else { throw Invalid() }
            let byte = bytes[index]
            value |= Int(byte & 0x7F) << shift
            index += 1
            if byte & 0x80 == 0 { return (value, index) }
            shift += 7
        }
    }

    static func decode(_ bytes: [UInt8]) throws -> [UInt8] {
        var (expected, index) = try length(bytes)
        var out: [UInt8] = []
        out.reserveCapacity(expected)
        func take(_ count: Int) throws -> Int {
            guard index + count <= bytes.count else { throw Invalid() }
            var value = 0
            for offset in 0..<count { value |= Int(bytes[index + offset]) << (8 * offset) }
            index += count
            return value
        }
        while index < bytes.count {
            let tag = bytes[index]
            index += 1
            switch tag & 3 {
            case 0:
                var count = Int(tag >> 2)
                if count >= 60 { count = try take(count - 59) }
                count += 1
                guard index + count <= bytes.count else { throw Invalid() }
                out += bytes[index..<(index + count)]
                index += count
            default:
                let (count, offset): (Int, Int)
                switch tag & 3 {
                case 1: (count, offset) = (Int(tag >> 2 & 7) + 4, Int(tag >> 5) << 8 | (try take(1)))
                case 2: (count, offset) = (Int(tag >> 2) + 1, try take(2))
                default: (count, offset) = (Int(tag >> 2) + 1, try take(4))
                }
                guard offset > 0, offset <= out.count else { throw Invalid() }
                for _ in 0..<count { out.append(out[out.count - offset]) }
            }
        }
        expected -= out.count
        guard expected == 0 else { throw Invalid() }
        return out
    }
}
