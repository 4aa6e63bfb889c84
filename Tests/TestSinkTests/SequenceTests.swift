import Testing
import TestSink

@Suite("sequence checking")
struct SequenceTests {
    @Test func duplicateGapAndReorderingAcrossTwoStreams() async throws {
        try await withSink { sink in
            // Stream a: 1 2 2 4 5 — 2 duplicated, 3 lost. Stream b: 1 3 2 4 — 2 late, nothing lost.
            // The streams interleave within and across requests.
            var first = ndjson(stream: "a", [1, 2]) + ndjson(stream: "b", [1, 3])
            first += ndjson(stream: "a", [2])
            let second = ndjson(stream: "b", [2]) + ndjson(stream: "a", [4]) + ndjson(stream: "b", [4]) + ndjson(stream: "a", [5])
            #expect(try await post(port: sink.port, body: first).status == 200)
            #expect(try await post(port: sink.port, body: second).status == 200)

            let stats = sink.stats
            let a = try #require(stats.streams["a"])
            #expect(a.received == 5)
            #expect(a.unique == 4)
            #expect(a.duplicates == 1)
            #expect(a.missing == 1)
            #expect(a.outOfOrder == 0)
            #expect(a.lowest == 1 && a.highest == 5)
            #expect(!a.isClean)

            let b = try #require(stats.streams["b"])
            #expect(b.received == 4)
            #expect(b.unique == 4)
            #expect(b.duplicates == 0)
            #expect(b.missing == 0)
            #expect(b.outOfOrder == 1)
            #expect(b.isClean)

            #expect(stats.sequence.received == 9)
            #expect(stats.sequence.duplicates == 1)
            #expect(stats.sequence.missing == 1)
            #expect(stats.sequence.outOfOrder == 1)
            #expect(stats.streams.count == 2)
        }
    }

    @Test func reorderedFillsAGapLater() async throws {
        try await withSink { sink in
            _ = try await post(port: sink.port, body: ndjson([10, 11, 14]))
            #expect(sink.stats.streams["default"]?.missing == 2)
            _ = try await post(port: sink.port, body: ndjson([13, 12, 9]))
            let report = try #require(sink.stats.streams["default"])
            #expect(report.missing == 0)
            #expect(report.outOfOrder == 3)
            #expect(report.lowest == 9)
        }
    }

    @Test func keyValueLinesAndFirstFieldWins() async throws {
        try await withSink { sink in
            let body = """
                ts=1 level=info seq=1 stream=web msg="a"
                ts=2 subseq=99 seq=2 stream=web
                {"seq": 3 , "stream" : "web", "inner": {"seq": 77}}
                seq=4 stream=web seq=100
                """
            _ = try await post(port: sink.port, body: body, contentType: "text/plain")
            let web = try #require(sink.stats.streams["web"])
            #expect(web.received == 4)
            #expect(web.highest == 4)
            #expect(web.isClean)
        }
    }

    @Test func customExtractor() async throws {
        try await withSink(extractor: .fields(sequence: "n", stream: nil)) { sink in
            _ = try await post(port: sink.port, body: "{\"n\":1,\"seq\":50,\"stream\":\"x\"}\n{\"n\":3}\n", contentType: "application/json")
            let stats = sink.stats
            #expect(Array(stats.streams.keys) == ["default"])
            #expect(stats.streams["default"]?.missing == 1)
        }
    }

    /// Far jumps and very late numbers stay within the fixed window.
    @Test func boundedWindow() async throws {
        try await withSink { sink in
            _ = try await post(port: sink.port, body: ndjson([1, 100_000, 100_001, 300_000, 5, 299_999, 300_000]))
            let report = try #require(sink.stats.streams["default"])
            #expect(report.received == 7)
            #expect(report.highest == 300_000)
            #expect(report.lateBeyondWindow == 1)  // 5
            #expect(report.duplicates == 1)  // the second 300000
            #expect(report.outOfOrder == 1)  // 299999
            // 2...99999, 100002...299998 (5 is late: still counted missing).
            #expect(report.missing == (99_999 - 2 + 1) + (299_998 - 100_002 + 1))
        }
    }

    @Test func clearingForgetsEverything() async throws {
        try await withSink { sink in
            _ = try await post(port: sink.port, body: ndjson(stream: "a", [1, 3]))
            sink.clearStats()
            #expect(sink.stats == SinkStats())
            _ = try await post(port: sink.port, body: ndjson(stream: "a", [7, 8]))
            #expect(sink.stats.streams["a"]?.isClean == true)
        }
    }
}
