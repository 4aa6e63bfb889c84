import Foundation
import Testing
import TestSink
import TestSupport

@Suite("the Loki push route: schema checks, entries, labels, tenant")
struct LokiRouteTests {
    static let path = "/loki/api/v1/push"

    @Test func validPushIsCountedWithLabelsTenantAndMetadata() async throws {
        try await withSink { sink in
            let body = #"""
                {"streams":[
                  {"stream":{"service_name":"checkout","level":"info"},
                   "values":[["1700000000000000001","seq=1 stream=a msg=\"x\""],["1700000000000000000","seq=0 stream=a\nsecond line",{"trace_id":"0af7651916cd43dd8448eb211c80319c"}]]},
                  {"stream":{"service_name":"checkout","level":"error"},"values":[["1700000000000000002","seq=2 stream=a",{}],["1","",{"correlation_id":"c-1"}]]},
                  {"stream":{"service_name":"billing"},"values":[]}
                ]}
                """#
            let response = try await post(Self.path, port: sink.port, body: body, contentType: "application/json", headers: ["X-Scope-OrgID: team-a"])
            #expect(response.status == 200)
            #expect(response.body == #"{"entries":4}"#)
            let stats = sink.stats
            #expect(stats.acceptedRequests == 1 && stats.lokiPushes == 1)
            #expect(stats.lines == 4 && stats.linesWithoutSequence == 1)
            #expect(stats.sequence.unique == 3 && stats.streams.keys.sorted() == ["a"])
            #expect(stats.lokiStreams == [
                #"{level="info",service_name="checkout"}"#: 2, #"{level="error",service_name="checkout"}"#: 2,
                #"{service_name="billing"}"#: 0,
            ])
            #expect(stats.lokiTenants == ["team-a": 1])
            #expect(stats.lokiMetadata == ["trace_id": 1, "correlation_id": 1])
            #expect(stats.lokiUnorderedEntries == 2, "1…01 then 1…00, and 1…02 then 1")

            _ = try await post(Self.path, port: sink.port, body: #"{"streams":[]}"#, contentType: "application/json; charset=utf-8")
            #expect(sink.stats.lokiTenants == ["team-a": 1, "": 1])
            #expect(sink.stats.json.contains(#""lokiTenants":{"":1,"team-a":1}"#))
        }
    }

    @Test func gzippedPushIsDecoded() async throws {
        guard let gzip = Prerequisite.executable("gzip", installHint: "apt-get install gzip") else { return }
        try await withSink { sink in
            let body = #"{"streams":[{"stream":{"job":"x"},"values":[["5","seq=7"]]}]}"#
            let compressed = try gzipBytes(body, gzip: gzip)
            let response = try await post(Self.path, port: sink.port, bytes: compressed, contentType: "application/json", headers: ["Content-Encoding: gzip"])
            #expect(response.status == 200)
            #expect(sink.stats.lines == 1 && sink.stats.gzipBodies == 1 && sink.stats.sequence.unique == 1)
        }
    }

    /// Each body breaks one rule of the push API's schema; the answer names it.
    static let invalid: [(body: String, reason: String)] = [
        ("not json", "not valid JSON"),
        (#"{"streams":[]} x"#, "not valid JSON: unexpected bytes after the document"),
        (#"[]"#, "the body is an array, not an object"),
        (#"{}"#, #"the body has no \"streams\""#),
        (#"{"streams":{}}"#, "streams is an object, not an array"),
        (#"{"streams":[],"extra":1}"#, #"the body has an unknown member \"extra\""#),
        (#"{"streams":[[]]}"#, "streams[0] is an array, not an object"),
        (#"{"streams":[{"values":[]}]}"#, #"streams[0] has no \"stream\""#),
        (#"{"streams":[{"stream":{},"values":[]}]}"#, "streams[0].stream has no labels"),
        (#"{"streams":[{"stream":{"1job":"x"},"values":[]}]}"#, #"streams[0].stream: \"1job\" is not a valid label name"#),
        (#"{"streams":[{"stream":{"service.name":"x"},"values":[]}]}"#, #"\"service.name\" is not a valid label name"#),
        (#"{"streams":[{"stream":{"job":"x","job":"y"},"values":[]}]}"#, #"streams[0].stream has \"job\" twice"#),
        (#"{"streams":[{"stream":{"job":1},"values":[]}]}"#, "streams[0].stream.job is a number, not a string"),
        (#"{"streams":[{"stream":{"job":"x"},"values":{}}]}"#, "streams[0].values is an object, not an array"),
        (#"{"streams":[{"stream":{"job":"x"},"values":[[1,"line"]]}]}"#, "streams[0].values[0][0] is a number, not a string of nanoseconds"),
        (#"{"streams":[{"stream":{"job":"x"},"values":[["1.5","line"]]}]}"#, "is not a Unix time in nanoseconds"),
        (#"{"streams":[{"stream":{"job":"x"},"values":[["","line"]]}]}"#, "is not a Unix time in nanoseconds"),
        (#"{"streams":[{"stream":{"job":"x"},"values":[["99999999999999999999","line"]]}]}"#, "is not a Unix time in nanoseconds"),
        (#"{"streams":[{"stream":{"job":"x"},"values":[["1"]]}]}"#, "streams[0].values[0] must be"),
        (#"{"streams":[{"stream":{"job":"x"},"values":[["1","a",{},{}]]}]}"#, "streams[0].values[0] must be"),
        (#"{"streams":[{"stream":{"job":"x"},"values":[["1",null]]}]}"#, "streams[0].values[0][1] is null, not a string"),
        (#"{"streams":[{"stream":{"job":"x"},"values":[["1","a",{"n":2}]]}]}"#, "streams[0].values[0][2].n is a number, not a string"),
        (#"{"streams":[{"stream":{"job":"x"},"values":[["1","a",[]]]}]}"#, "streams[0].values[0][2] is an array, not an object"),
        (#"{"streams":[{"stream":{"job":"x"},"values":[["1","a\u0001"]]}]}"#, "raw control character"),
        (#"{"streams":[{"stream":{"job":"x"},"values":[["1","\ud800"]]}]}"#, "lone high surrogate"),
        (#"{"streams":[{"stream":{"job":"x"},"values":[["1","\x"]]}]}"#, "invalid escape"),
    ]

    @Test(arguments: invalid.indices)
    func invalidPushIsRefusedWithTheReason(index: Int) async throws {
        let (text, reason) = Self.invalid[index]
        // The raw control character is put in literally: Swift source cannot hold it.
        let body = Array(text.replacingOccurrences(of: #"\u0001"#, with: "\u{01}").utf8)
        try await withSink { sink in
            let response = try await post(Self.path, port: sink.port, bytes: body, contentType: "application/json")
            #expect(response.status == 400, "\(text) → \(response.body)")
            #expect(response.body.contains(reason), "\(text) → \(response.body)")
            #expect(sink.stats.rejectedByStatus == [400: 1] && sink.stats.lines == 0 && sink.stats.lokiPushes == 0)
        }
    }

    @Test func invalidUTF8IsRefused() async throws {
        try await withSink { sink in
            let body = Array(#"{"streams":[{"stream":{"job":"x"},"values":[["1",""#.utf8) + [0xC3, 0x28] + Array(#""]]}]}"#.utf8)
            let response = try await post(Self.path, port: sink.port, bytes: body, contentType: "application/json")
            #expect(response.status == 400 && response.body.contains("not valid UTF-8"))
        }
    }

    @Test func onlyJSONIsTaken() async throws {
        try await withSink { sink in
            let protobuf = try await post(Self.path, port: sink.port, body: "x", contentType: "application/x-protobuf")
            #expect(protobuf.status == 415 && protobuf.body.contains("takes application/json"))
            let snappy = try await post(
                Self.path, port: sink.port, body: "x", contentType: "application/json", headers: ["Content-Encoding: snappy"])
            #expect(snappy.status == 415)
        }
    }

    @Test func snappyBodiesElsewhereAreCountedNotDecoded() async throws {
        try await withSink { sink in
            let response = try await post(
                "/api/v1/write", port: sink.port, bytes: [0x03, 0x08, 0x61, 0x62], contentType: "application/x-protobuf",
                headers: ["Content-Encoding: snappy"])
            #expect(response.status == 200 && response.body == #"{"lines":0}"#)
            #expect(sink.stats.acceptedRequests == 1 && sink.stats.bytes == 4 && sink.stats.lines == 0 && sink.stats.gzipBodies == 0)
        }
    }

    @Test func faultsComeFirst() async throws {
        try await withSink(behavior: .failing(429, retryAfter: 2, .next(1))) { sink in
            let body = #"{"streams":[{"stream":{"job":"x"},"values":[["1","seq=1"]]}]}"#
            let first = try await post(Self.path, port: sink.port, body: body, contentType: "application/json")
            #expect(first.status == 429 && first.header("Retry-After") == "2")
            let second = try await post(Self.path, port: sink.port, body: body, contentType: "application/json")
            #expect(second.status == 200 && sink.stats.lines == 1)
        }
    }
}
