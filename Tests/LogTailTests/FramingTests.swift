#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import LogTail

/// The bytes of `Fixtures/framing/<name>`, found next to this source file so any working
/// directory works.
func framingFixture(_ name: String) -> [UInt8] {
    let directory = #filePath[..<#filePath.lastIndex(of: "/")!]
    let path = "\(directory)/Fixtures/framing/\(name)"
    guard let file = fopen(path, "rb") else { fatalError("missing fixture \(path)") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count <= 0 { break }
        bytes += buffer[0..<count]
    }
    return bytes
}

/// Frame `chunks` in order, then `finish`; returns the lines as strings with their flags.
func frameAll(_ chunks: [[UInt8]], _ configuration: LineFramer.Configuration = .init(), now: ContinuousClock.Instant = .now) -> (lines: [String], flags: [LineBatch.Flags], counts: FramingCounts) {
    var framer = LineFramer(configuration)
    var batch = LineBatch()
    var counts = FramingCounts()
    for chunk in chunks { counts += framer.frame(chunk, into: &batch, now: now) }
    counts += framer.finish(into: &batch)
    #expect(counts == framer.totals)
    return (batch.map { String(decoding: $0, as: UTF8.self) }, batch.entries.map(\.flags), counts)
}

func framingBytes(_ string: String) -> [UInt8] { Array(string.utf8) }

@Suite("LineFramer")
struct FramingTests {
    static let mixedLines = ["first line", "second", "", "", "fifth with spaces   ", "sixth été", "no-newline-tail"]

    @Test("a fixture frames the same at every split point into two and three chunks")
    func everySplitPoint() {
        let data = framingFixture("mixed.log")
        for split in 0...data.count {
            let result = frameAll([Array(data[..<split]), Array(data[split...])])
            #expect(result.lines == Self.mixedLines, "split at \(split)")
            #expect(result.flags.last == .unterminated)
            #expect(result.counts.bytes == data.count)
            #expect(result.counts.unterminatedLines == 1)
            for second in split...data.count {
                let three = frameAll([Array(data[..<split]), Array(data[split..<second]), Array(data[second...])])
                #expect(three.lines == Self.mixedLines, "split at \(split), \(second)")
            }
        }
        let byteByByte = frameAll(data.map { [$0] })
        #expect(byteByByte.lines == Self.mixedLines)
    }

    @Test("CRLF, a lone CR and empty lines")
    func crlfAndEmptyLines() {
        #expect(frameAll([framingBytes("a\r\nb\r\n")]).lines == ["a", "b"])
        #expect(frameAll([framingBytes("a\rb\n")]).lines == ["a\rb"])
        #expect(frameAll([framingBytes("a\r\r\n")]).lines == ["a\r"])
        #expect(frameAll([framingBytes("\r\n\n\r\n\n")]).lines == ["", "", "", ""])
        #expect(frameAll([framingBytes("a\r"), framingBytes("\nb\n")]).lines == ["a", "b"])
        #expect(frameAll([]).lines == [])
        #expect(frameAll([[], framingBytes("x\n"), []]).lines == ["x"])
    }

    @Test("a line of exactly max_line_bytes is whole, even with CRLF split anywhere")
    func exactlyAtLimit() {
        let line = framingBytes("0123456789\r\n")
        for split in 0...line.count {
            let result = frameAll([Array(line[..<split]), Array(line[split...])], .init(maxLineBytes: 10))
            #expect(result.lines == ["0123456789"], "split at \(split)")
            #expect(result.counts.truncatedLines == 0)
        }
    }

    @Test("overlong lines inside one chunk are truncated or split and counted")
    func overlongInChunk() {
        let data = framingBytes(String(repeating: "a", count: 25) + "\nshort\n")
        let truncated = frameAll([data], .init(maxLineBytes: 10, overlongPolicy: .truncate))
        #expect(truncated.lines == [String(repeating: "a", count: 10), "short"])
        #expect(truncated.flags == [.truncated, []])
        #expect(truncated.counts.truncatedLines == 1)
        #expect(truncated.counts.discardedBytes == 15)

        let split = frameAll([data], .init(maxLineBytes: 10, overlongPolicy: .split))
        #expect(split.lines == ["aaaaaaaaaa", "aaaaaaaaaa", "aaaaa", "short"])
        #expect(split.flags == [.splitPiece, .splitPiece, [.splitPiece, .lastPiece], []])
        #expect(split.counts.splitLines == 1)
        #expect(split.counts.lines == 4)
    }

    @Test("overlong lines frame the same at every split point")
    func overlongEverySplit() {
        let data = framingBytes("abcdefghijklmnopqrstuvw\r\nxy\n0123456789\n")
        for policy in OverlongLinePolicy.allCases {
            let whole = frameAll([data], .init(maxLineBytes: 10, overlongPolicy: policy))
            for split in 0...data.count {
                let result = frameAll([Array(data[..<split]), Array(data[split...])], .init(maxLineBytes: 10, overlongPolicy: policy))
                #expect(result.lines == whole.lines, "\(policy) split at \(split)")
                #expect(result.flags == whole.flags, "\(policy) split at \(split)")
                #expect(result.counts == whole.counts, "\(policy) split at \(split)")
            }
            switch policy {
            case .truncate: #expect(whole.lines == ["abcdefghij", "xy", "0123456789"])
            case .split: #expect(whole.lines == ["abcdefghij", "klmnopqrst", "uvw", "xy", "0123456789"])
            }
        }
    }

    @Test("truncation and split pieces never cut a UTF-8 character, at every split point")
    func characterBoundaries() {
        let text = "aé€😀bcdéfg€h😀😀ij\nnext\n"
        let data = framingBytes(text)
        for limit in 1...8 {
            for policy in OverlongLinePolicy.allCases {
                let whole = frameAll([data], .init(maxLineBytes: limit, overlongPolicy: policy))
                // A character longer than the limit has to be cut; 😀 is 4 bytes.
                for piece in whole.lines.dropLast() where limit >= 4 {
                    #expect(!piece.contains("\u{FFFD}"), "limit \(limit) \(policy): \(whole.lines)")
                    #expect(piece.utf8.count <= limit)
                }
                if policy == .split && limit >= 4 {
                    #expect(whole.lines.dropLast().joined() == "aé€😀bcdéfg€h😀😀ij", "limit \(limit)")
                }
                for split in 0...data.count {
                    let result = frameAll([Array(data[..<split]), Array(data[split...])], .init(maxLineBytes: limit, overlongPolicy: policy))
                    #expect(result.lines == whole.lines, "limit \(limit) \(policy) split at \(split)")
                    #expect(result.counts == whole.counts, "limit \(limit) \(policy) split at \(split)")
                }
            }
        }
    }

    static let tenMiB = 10 * 1024 * 1024
    static let chunk = 256 * 1024

    /// A 10 MiB line followed by "next\n", fed in 256 KiB chunks; the carry must stay bounded.
    func frameTenMiB(_ policy: OverlongLinePolicy) -> (batch: LineBatch, counts: FramingCounts) {
        var data = [UInt8](repeating: UInt8(ascii: "x"), count: Self.tenMiB)
        for index in stride(from: 0, to: data.count, by: 1000) { data[index] = UInt8(ascii: "0") + UInt8(index / 1000 % 10) }
        data += framingBytes("\nnext\n")
        var framer = LineFramer(.init(maxLineBytes: Self.chunk, overlongPolicy: policy))
        var batch = LineBatch()
        var counts = FramingCounts()
        var start = 0
        while start < data.count {
            let end = min(start + Self.chunk, data.count)
            counts += framer.frame(Array(data[start..<end]), into: &batch, now: .now)
            #expect(framer.pendingByteCount <= Self.chunk + 1)
            start = end
        }
        counts += framer.finish(into: &batch)
        // The joined output must equal the input's prefix (split) or its first max bytes.
        var expected = Array(data[..<Self.tenMiB])
        if policy == .truncate { expected = Array(expected[..<Self.chunk]) }
        #expect(Array(batch.dropLast().joined()) == expected)
        return (batch, counts)
    }

    @Test("a 10 MiB single line is truncated to max_line_bytes with bounded memory")
    func tenMiBTruncate() {
        let (batch, counts) = frameTenMiB(.truncate)
        #expect(batch.count == 2)
        #expect(batch[0].count == Self.chunk)
        #expect(batch.flags(at: 0) == .truncated)
        #expect(String(decoding: batch[1], as: UTF8.self) == "next")
        #expect(counts.truncatedLines == 1)
        #expect(counts.discardedBytes == Self.tenMiB - Self.chunk)
        #expect(counts.bytes == Self.tenMiB + 6)
    }

    @Test("a 10 MiB single line is split into max_line_bytes pieces")
    func tenMiBSplit() {
        let (batch, counts) = frameTenMiB(.split)
        #expect(batch.count == Self.tenMiB / Self.chunk + 1)
        #expect(batch.dropLast().allSatisfy { $0.count == Self.chunk })
        #expect(batch.entries.dropLast(2).allSatisfy { $0.flags == .splitPiece })
        #expect(batch.flags(at: batch.count - 2) == [.splitPiece, .lastPiece])
        #expect(counts.splitLines == 1)
        #expect(counts.lines == batch.count)
        #expect(counts.discardedBytes == 0)
    }

    @Test("a partial last line waits for its newline and is flushed after the timeout")
    func partialLineTimeout() {
        let t0 = ContinuousClock.now
        var framer = LineFramer(.init(partialLineTimeout: .seconds(1)))
        var batch = LineBatch()
        framer.frame(framingBytes("done\nab"), into: &batch, now: t0)
        #expect(batch.count == 1)
        #expect(framer.flush(now: t0 + .milliseconds(900), into: &batch) == FramingCounts())
        // More bytes of the same line restart the wait.
        framer.frame(framingBytes("c"), into: &batch, now: t0 + .milliseconds(900))
        #expect(framer.flush(now: t0 + .milliseconds(1500), into: &batch).lines == 0)
        let flushed = framer.flush(now: t0 + .milliseconds(1900), into: &batch)
        #expect(flushed.lines == 1)
        #expect(flushed.unterminatedLines == 1)
        #expect(String(decoding: batch[1], as: UTF8.self) == "abc")
        #expect(batch.flags(at: 1) == .unterminated)
        #expect(framer.pendingByteCount == 0)
        // The rest of a flushed line becomes a line of its own.
        framer.frame(framingBytes("def\n"), into: &batch, now: t0 + .seconds(3))
        #expect(batch.map { String(decoding: $0, as: UTF8.self) } == ["done", "abc", "def"])
        #expect(framer.flush(now: t0 + .seconds(10), into: &batch).lines == 0)
        #expect(framer.totals.lines == 3)
    }

    @Test("a batch can be reused and lines borrowed as raw buffers")
    func batchReuse() {
        var framer = LineFramer()
        var batch = LineBatch(reservingBytes: 64, lines: 4)
        framer.frame(framingBytes("one\ntwo\n"), into: &batch, now: .now)
        #expect(batch.withLine(1) { Array($0) } == framingBytes("two"))
        batch.removeAll()
        framer.frame(framingBytes("three\n"), into: &batch, now: .now)
        #expect(batch.count == 1)
        #expect(Array(batch[0]) == framingBytes("three"))
    }
}
