import Testing

@testable import LogTail
import Telemetry

@Suite struct DecodingTextTraceTests {
    @Test func textFixture() throws {
        var decoder = LogDecoder(format: .text, filePath: "/t")
        let lines = try DecodingFixture.lines("text-trace.log")
        let records = lines.compactMap { decoder.decode($0, observedAt: DecodingFixture.observed)?.record }
        try #require(records.count == 7)
        #expect(zip(records, lines).allSatisfy { $0.body == $1 && $0.timestamp == nil })

        #expect(records[0].traceID?.hex == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(records[0].spanID?.hex == "00f067aa0ba902b7")
        #expect(records[0].flags == 1)

        #expect(records[1].traceID?.hex == "0af7651916cd43dd8448eb211c80319c")
        #expect(records[1].spanID?.hex == "b7ad6b7169203331")
        #expect(records[1].flags == 0)

        #expect(records[2].traceID?.hex == "0af7651916cd43dd8448eb211c80319c")
        #expect(records[2].spanID == nil)

        // All-zero ids are invalid; wrong lengths and word-embedded keys are not tokens.
        for record in records[3...] {
            #expect(record.traceID == nil)
            #expect(record.spanID == nil)
        }
        #expect(decoder.stats.malformed == 0)
    }

    @Test func findsTraceparentAnywhere() {
        let found = TextTraceContext.find(in: Array("x-00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00".utf8))
        #expect(found?.traceID?.hex == "0af7651916cd43dd8448eb211c80319c")
        #expect(found?.flags == 0)
        #expect(TextTraceContext.find(in: Array("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0".utf8)) == nil)
        #expect(TextTraceContext.find(in: [UInt8]()) == nil)
    }

    /// The scan looks eight bytes at a time and byte by byte at the end of a line: every
    /// offset of the key, the separator and the traceparent must be found alike.
    @Test func findsTokensAtEveryOffset() {
        let trace = "4bf92f3577b34da6a3ce929d0e0e4736", span = "00f067aa0ba902b7"
        for pad in 0..<17 {
            let prefix = String(repeating: "x", count: pad) + " "
            for (key, separator) in [("trace_id", "="), ("TraceId", ":"), ("trace-id", "=\""), ("traceid", ":'")] {
                let line = prefix + "\(key)\(separator)\(trace) span_id=\(span)"
                let found = TextTraceContext.find(in: Array(line.utf8))
                #expect(found?.traceID?.hex == trace, "\(line)")
                #expect(found?.spanID?.hex == span, "\(line)")
            }
            let parent = prefix + "trace_id=\(String(repeating: "1", count: 32)) traceparent=00-\(trace)-\(span)-01"
            let found = TextTraceContext.find(in: Array(parent.utf8))
            #expect(found?.traceID?.hex == trace, "a traceparent wins: \(parent)")
            #expect(found?.flags == 1)
            #expect(TextTraceContext.find(in: Array((prefix + "mytrace_id=\(trace)").utf8)) == nil, "not a word of its own")
        }
    }
}
