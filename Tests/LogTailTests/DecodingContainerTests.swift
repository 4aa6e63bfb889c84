import Testing

@testable import LogTail
import Telemetry

@Suite struct DecodingContainerTests {
    func decodeAll(_ format: LogFormat, _ name: String, maxLineBytes: Int = 256 * 1024) throws -> (LogDecoder, [DecodedLine]) {
        var decoder = LogDecoder(format: format, filePath: "/var/log/pods/\(name)", maxLineBytes: maxLineBytes)
        let decoded = try DecodingFixture.lines(name).compactMap { decoder.decode($0, observedAt: DecodingFixture.observed) }
        return (decoder, decoded)
    }

    @Test func criLineParts() throws {
        let line = Array("2026-11-22T10:15:32.5Z stderr P part".utf8)
        let cri = try #require(line.withUnsafeBytes { CRILine($0) })
        #expect(cri.time == DecodingFixture.time("2026-11-22T10:15:32.5Z"))
        #expect(cri.stream == .stderr)
        #expect(cri.isPartial)
        #expect(Array(line[cri.contentStart...]) == Array("part".utf8))
        for bad in ["2026-11-22T10:15:32Z stdout", "2026-11-22T10:15:32Z stdin F x", "yesterday stdout F x",
            "2026-11-22T10:15:32Z stdout X x", "2026-11-22T10:15:32Z stdout FF x"]
        {
            #expect(Array(bad.utf8).withUnsafeBytes { CRILine($0) } == nil, "\(bad)")
        }
    }

    @Test func criFixture() throws {
        let (decoder, decoded) = try decodeAll(.cri, "cri.log")
        let records = decoded.map(\.record)
        try #require(records.count == 8)

        // The container's JSON line is decoded inside the envelope; its own time wins.
        #expect(records[0].timestamp == DecodingFixture.time("2026-11-22T10:15:30.120Z"))
        #expect(records[0].bodyText == "listening on :8080")
        #expect(records[0].severity.number == 9)
        #expect(records[0].traceID?.hex == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(records[0].attributes["log.iostream"] == .string("stdout"))
        #expect(records[0].attributes["log.file.path"] == .string("/var/log/pods/cri.log"))

        #expect(records[1].bodyText == "panic: runtime error: index out of range")
        #expect(records[1].timestamp == DecodingFixture.time("2026-11-22T10:15:31.000000001Z"))
        #expect(records[1].attributes["log.iostream"] == .string("stderr"))

        // stderr interleaved between stdout fragments comes out first, whole.
        #expect(records[2].bodyText == "interleaved stderr line")
        #expect(records[3].bodyText == "first half and middle second half")
        #expect(records[3].severity.number == 13)
        #expect(records[3].timestamp == DecodingFixture.time("2026-11-22T10:15:32.5003Z"))

        #expect(records[4].traceID?.hex == "0af7651916cd43dd8448eb211c80319c")
        #expect(records[4].spanID?.hex == "b7ad6b7169203331")
        #expect(records[4].flags == 1)
        #expect(records[4].timestamp == DecodingFixture.time("2026-11-22T09:15:33Z"))
        #expect(records[5].body.isEmpty)
        #expect(records[6].bodyText == "tagged line")

        #expect(decoded[7].failure == .malformedCRI)
        #expect(records[7].bodyText == "not a cri line at all")
        #expect(decoded.filter { $0.failure != nil }.count == 1)
        #expect(decoder.stats.lines == 10)
        #expect(decoder.stats.records == 8)
        #expect(decoder.stats.malformed == 1)
    }

    @Test func dockerFixture() throws {
        let (decoder, decoded) = try decodeAll(.docker, "docker.log")
        let records = decoded.map(\.record)
        try #require(records.count == 5)
        #expect(records[0].bodyText == "Listening on 0.0.0.0:80")
        #expect(records[0].timestamp == DecodingFixture.time("2026-11-22T10:15:30.123456789Z"))
        #expect(records[0].attributes["log.iostream"] == .string("stdout"))
        #expect(records[1].bodyText == "error: \"quoted\" été 😀")
        #expect(records[1].attributes["log.iostream"] == .string("stderr"))

        // Joined across two entries, then decoded as the container's JSON.
        #expect(records[2].bodyText == "split across entries")
        #expect(records[2].severity.number == 17)
        #expect(records[2].spanID?.hex == "00f067aa0ba902b7")
        #expect(records[2].timestamp == DecodingFixture.time("2026-11-22T10:15:32.1Z"))

        #expect(records[3].bodyText == "windows line")
        #expect(decoded[4].failure == .malformedDocker)
        #expect(records[4].bodyText == #"{"log":"truncated json, "stream":"#)
        #expect(decoder.stats.malformed == 1)
    }

    @Test func partialLinesAreBoundedAndFlushed() throws {
        var decoder = LogDecoder(format: .cri, filePath: "/p", maxLineBytes: 10)
        let observed = DecodingFixture.observed
        #expect(decoder.decode(Array("2026-11-22T10:00:00Z stdout P 0123456".utf8), observedAt: observed) == nil)
        #expect(decoder.decode(Array("2026-11-22T10:00:00Z stdout P 789abcdef".utf8), observedAt: observed) == nil)
        let joined = decoder.decode(Array("2026-11-22T10:00:00Z stdout F ghi".utf8), observedAt: observed)
        #expect(joined?.record.bodyText == "0123456789")
        #expect(joined?.truncated == true)

        let long = decoder.decode(Array("2026-11-22T10:00:00Z stdout F 0123456789ABC".utf8), observedAt: observed)
        #expect(long?.record.bodyText == "0123456789")
        #expect(long?.truncated == true)

        #expect(decoder.decode(Array("2026-11-22T10:00:00Z stderr P dangling".utf8), observedAt: observed) == nil)
        let flushed = decoder.flush(observedAt: observed)
        #expect(flushed.map(\.record.bodyText) == ["dangling"])
        #expect(flushed.first?.record.attributes["log.iostream"] == .string("stderr"))
        #expect(decoder.flush(observedAt: observed).isEmpty)
        #expect(decoder.stats.truncated == 3)
    }

    @Test func reassemblerPassesWholeLinesThrough() {
        var reassembler = CRIReassembler(maxLineBytes: 4)
        let output = Array("abc".utf8).withUnsafeBytes { reassembler.feed(stream: .stdout, isPartial: false, content: $0) }
        #expect(output == .whole(length: 3, truncated: false))
        #expect(reassembler.pendingBytes == 0)
    }
}
