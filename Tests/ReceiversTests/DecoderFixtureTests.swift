import OTLP
@testable import Receivers
import Telemetry
import TestSupport
import Testing

/// Request bodies an SDK or the OTLP spec's own examples send, decoded field by field:
/// what lands in the pipeline is what was sent, in either encoding, compressed or not.
@Suite("OTLP request decoding: fixtures")
struct DecoderFixtureTests {
    typealias F = RequestFixtures

    static let pairs: [(name: String, signal: Signal)] = [
        ("spec-trace", .traces), ("spec-logs", .logs), ("spec-metrics", .metrics),
        ("traces", .traces), ("logs", .logs), ("metrics", .metrics),
    ]

    @Test("the spec's trace.json: uppercase hex ids, int64 as JSON numbers, kind as an integer")
    func specTrace() throws {
        let decoded = try F.decode(try F.request("spec-trace.json"), .traces, .json)
        #expect(decoded.partialSuccess.isEmpty)
        #expect(decoded.batches.map(\.resource.attributes) == [["service.name": "my.service"]])
        let span = try #require(decoded.spans.first)
        #expect(decoded.spans.count == 1)
        #expect(span.traceID == TraceID("5b8efff798038103d269b633813fc60c"))
        #expect(span.spanID == SpanID("eee19b7ec3c1b174"))
        #expect(span.parentSpanID == SpanID("eee19b7ec3c1b173"))
        #expect(span.name == "I'm a server span" && span.kind == .server)
        #expect(span.start == Timestamp(nanosecondsSinceEpoch: 1_544_712_660_000_000_000))
        #expect(span.end == Timestamp(nanosecondsSinceEpoch: 1_544_712_661_000_000_000))
        #expect(span.attributes == ["my.span.attr": "some value"])
        #expect(span.scope.name == "my.library" && span.scope.version == "1.0.0")
        #expect(span.scope.attributes == ["my.scope.attribute": "some scope attribute"])
    }

    @Test("the spec's logs.json: every attribute type, ids in hex")
    func specLogs() throws {
        let decoded = try F.decode(try F.request("spec-logs.json"), .logs, .json)
        #expect(decoded.partialSuccess.isEmpty)
        let record = try #require(decoded.logs.first)
        #expect(record.timestamp == Timestamp(nanosecondsSinceEpoch: 1_544_712_660_300_000_000))
        #expect(record.observedTimestamp == Timestamp(nanosecondsSinceEpoch: 1_544_712_660_300_000_000))
        #expect(record.severity == Severity(number: 0, text: "Information"))
        #expect(record.traceID == TraceID("5b8efff798038103d269b633813fc60c"))
        #expect(record.spanID == SpanID("eee19b7ec3c1b174"))
        #expect(record.body == Array("Example log record".utf8))
        let expected: Attributes = [
            "string.attribute": "some string",
            "boolean.attribute": true,
            "int.attribute": 10,
            "double.attribute": 637.704,
            "array.attribute": .array(["many", "values"]),
            "map.attribute": .map(["some.map.key": "some value"]),
        ]
        #expect(record.attributes == expected)
    }

    @Test("the spec's metrics.json: the gauge is kept; the delta sum and histogram are rejected and counted")
    func specMetrics() throws {
        let decoded = try F.decode(try F.request("spec-metrics.json"), .metrics, .json)
        #expect(decoded.partialSuccess.rejected == 2)
        #expect(decoded.partialSuccess.errorMessage.contains("\"my.counter\""))
        #expect(decoded.partialSuccess.errorMessage.contains("\"my.histogram\""))
        let batch = try #require(decoded.metricBatches.first)
        #expect(batch.timestamp == Timestamp(nanosecondsSinceEpoch: 1_544_712_660_300_000_000))
        #expect(batch.families.map(\.name) == ["my.gauge"])
        let gauge = batch.families[0]
        #expect(gauge.kind == .gauge && gauge.help == "I`m a Gauge" && gauge.unit == "1")
        #expect(gauge.samples.map(\.value) == [10])
        #expect(gauge.samples[0].labels == ["my.gauge.attr": "some value"])
    }

    @Test("spans: lowercase and uppercase hex, snake_case keys, enum names and numbers, int64 strings, unknown fields")
    func traces() throws {
        let decoded = try F.decode(try F.request("traces.json"), .traces, .json)
        #expect(decoded.partialSuccess.isEmpty)
        #expect(decoded.batches.map(\.resource.attributes) == [
            ["service.name": "checkout", "k8s.pod.name": "checkout-7d9f-x2"], ["service.name": "cart"],
        ])
        #expect(decoded.spans.count == 2)
        let server = decoded.spans[0]
        #expect(server.traceID == TraceID("0af7651916cd43dd8448eb211c80319c"))
        #expect(server.spanID == SpanID("b7ad6b7169203331"))
        #expect(server.parentSpanID == nil, "an empty parentSpanId is a root span")
        #expect(server.traceState == "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
        #expect(server.flags == 769 && server.traceFlags == 1 && server.parentIsRemote == true)
        #expect(server.name == "GET /cart" && server.kind == .server)
        #expect(server.start == Timestamp(nanosecondsSinceEpoch: 1_700_000_000_123_456_789))
        #expect(server.end == Timestamp(nanosecondsSinceEpoch: 1_700_000_000_223_456_789))
        let attributes: Attributes = [
            "http.request.method": "GET",
            "http.response.status_code": 200,
            "retry": false,
            "ratio": 0.25,
            "payload": .bytes([0xDE, 0xAD, 0xBE, 0xEF]),
            "tags": .array(["a", -7]),
            "user": .map(["id": .int(.min), "traceId": "not an id: \"spanId\": \"zz\""]),
        ]
        #expect(server.attributes == attributes)
        #expect(server.events == [
            Span.Event(name: "cache miss", timestamp: Timestamp(nanosecondsSinceEpoch: 1_700_000_000_150_000_000),
                       attributes: ["cache.key": "cart:42"]),
        ])
        #expect(server.links == [
            Span.Link(traceID: TraceID("4bf92f3577b34da6a3ce929d0e0e4736"), spanID: SpanID("00f067aa0ba902b7"),
                      traceState: "congo=t61rcWkgMzE", attributes: ["link.kind": "follows"]),
        ])
        #expect(server.status == Span.Status(code: .error, message: "upstream timeout"))
        #expect(server.scope.name == "io.opentelemetry.http" && server.scope.version == "2.1.0")

        let client = decoded.spans[1]
        #expect(client.traceID == server.traceID, "uppercase hex reads as the same id")
        #expect(client.spanID == SpanID("00f067aa0ba902b7") && client.parentSpanID == server.spanID)
        #expect(client.name == "SELECT carts" && client.kind == .client)
        #expect(client.start == Timestamp(nanosecondsSinceEpoch: 1_700_000_000_130_000_000))
        #expect(client.end == Timestamp(nanosecondsSinceEpoch: 1_700_000_000_140_000_000))
        #expect(client.status == Span.Status(code: .ok))
        #expect(client.scope == InstrumentationScope())
    }

    @Test("log records: severity by name and number, event name, bodies of every kind, absent and all-zero ids")
    func logs() throws {
        let decoded = try F.decode(try F.request("logs.json"), .logs, .json)
        #expect(decoded.partialSuccess.isEmpty)
        #expect(decoded.logs.count == 3)
        let warn = decoded.logs[0]
        #expect(warn.timestamp == Timestamp(nanosecondsSinceEpoch: 1_700_000_000_123_456_789))
        #expect(warn.observedTimestamp == Timestamp(nanosecondsSinceEpoch: 1_700_000_000_123_456_999))
        #expect(warn.severity == Severity(number: 13, text: "WARN"))
        #expect(warn.eventName == "cart.stale")
        #expect(warn.body == Array("cart \"42\" is stale\né".utf8))
        #expect(warn.attributes == ["cart.id": 42])
        #expect(warn.flags == 1)
        #expect(warn.traceID == TraceID("0af7651916cd43dd8448eb211c80319c") && warn.spanID == SpanID("b7ad6b7169203331"))
        #expect(warn.scope.name == "app.logger")

        let error = decoded.logs[1]
        #expect(error.timestamp == nil && error.observedTimestamp == F.receivedAt, "no time: the time it was received")
        #expect(error.severity.number == 17)
        #expect(error.body == Array(#"{"msg":"boom"}"#.utf8))
        #expect(error.traceID == nil && error.spanID == nil)

        let info = decoded.logs[2]
        #expect(info.observedTimestamp == Timestamp(nanosecondsSinceEpoch: 1_700_000_000_500_000_000))
        #expect(info.severity.number == 9 && info.body == [0xFF])
        #expect(info.traceID == nil && info.spanID == nil, "all-zero ids are no ids")
    }

    @Test("metrics: integer and float points, a cumulative histogram, exemplars with hex ids; a delta sum is counted")
    func metrics() throws {
        let decoded = try F.decode(try F.request("metrics.json"), .metrics, .json)
        #expect(decoded.partialSuccess.rejected == 2)
        #expect(decoded.partialSuccess.errorMessage.contains("\"jobs.delta\""))
        let batch = try #require(decoded.metricBatches.first)
        #expect(decoded.metricBatches.count == 1)
        #expect(batch.timestamp == Timestamp(nanosecondsSinceEpoch: 1_700_000_000_000_000_000))
        #expect(batch.families.map(\.name) == ["http.server.requests", "queue.depth", "http.server.duration"])
        #expect(batch.families.map(\.kind) == [.counter, .gauge, .histogram])

        let counter = batch.families[0]
        #expect(counter.help == "Requests served" && counter.unit == "1")
        #expect(counter.scope.name == "app.meter" && counter.scope.version == "1.0")
        #expect(counter.samples.map(\.labels) == [["http.route": "/cart", "code": "200"]])
        #expect(counter.samples.map(\.number) == [.int(1027)])
        #expect(counter.samples.map(\.timestamp) == [nil], "at the batch's time")
        #expect(counter.samples.map(\.startTimestamp) == [Timestamp(nanosecondsSinceEpoch: 1_699_999_990_000_000_000)])
        let gauge = batch.families[1]
        #expect(gauge.samples.map(\.labels) == [[:], ["queue": "b"]])
        #expect(gauge.samples.map(\.number) == [.double(12.5), .int(-3)])
        #expect(gauge.samples.map(\.timestamp) == [nil, Timestamp(nanosecondsSinceEpoch: 1_699_999_995_000_000_000)])
        let histogram = try #require(batch.families[2].samples.first?.histogram)
        #expect(histogram == HistogramValue(bounds: [0.1, 0.5], counts: [1, 2, 3], sum: 1.75, count: 6, min: 0.05, max: 0.9))
        #expect(batch.families[2].unit == "s")
    }

    @Test("JSON and protobuf (encoded by protoc) of the same request decode to equal batches", arguments: pairs)
    func jsonEqualsProtobuf(_ pair: (name: String, signal: Signal)) throws {
        let json = try F.decode(try F.request("\(pair.name).json"), pair.signal, .json)
        let protobuf = try F.decode(try F.request("\(pair.name).binpb"), pair.signal, .protobuf)
        #expect(!json.batches.isEmpty)
        #expect(json == protobuf)
    }

    @Test("gzip (also x-gzip, any case) and deflate bodies decode as the plain ones", arguments: pairs)
    func compressed(_ pair: (name: String, signal: Signal)) throws {
        for (file, type) in [("\(pair.name).json", OTLPContentType.json), ("\(pair.name).binpb", .protobuf)] {
            let plain = try F.request(file)
            let expected = try F.decode(plain, pair.signal, type)
            for encoding in ["gzip", "GZip", " x-gzip "] {
                #expect(try F.decode(TestCompression.gzip(plain), pair.signal, type, encoding: encoding) == expected)
            }
            #expect(try F.decode(TestCompression.zlib(plain), pair.signal, type, encoding: "deflate") == expected)
            #expect(try F.decode(plain, pair.signal, type, encoding: "identity") == expected)
        }
    }

    @Test("several gzip members, concatenated, are one body (as gzip -d and the Collector read them)")
    func multiMemberGzip() throws {
        let body = try F.request("traces.json")
        let cut = body.count / 3
        let members = TestCompression.gzip(Array(body[..<cut])) + TestCompression.gzip([]) + TestCompression.gzip(Array(body[cut...]))
        #expect(try F.decode(members, .traces, .json, encoding: "gzip") == F.decode(body, .traces, .json))
    }

    @Test("an empty body is an empty request, compressed or not; an empty JSON object too")
    func emptyBodies() throws {
        for encoding in [nil, "gzip", "deflate"] {
            #expect(try F.decode([], .traces, .protobuf, encoding: encoding).batches.isEmpty)
        }
        #expect(try F.decode(Array("{}".utf8), .logs, .json).batches.isEmpty)
        #expect(try F.decode(TestCompression.gzip([]), .metrics, .protobuf, encoding: "gzip").batches.isEmpty)
    }

    @Test("a large JSON body (5 000 spans, every id rewritten) decodes to the spans it was written from")
    func largeJSON() throws {
        var rng = SplitMix64(seed: 42)
        var spans: [Span] = []
        for index in 0..<5_000 {
            let traceID = TraceID(high: rng.next() | 1, low: rng.next())
            let parent: SpanID? = index % 3 == 0 ? nil : SpanID(rng.next() | 1)
            let start = Timestamp(nanosecondsSinceEpoch: 1_700_000_000_000_000_000 + Int64(index))
            let end = Timestamp(nanosecondsSinceEpoch: start.nanosecondsSinceEpoch + 1_000_000_000)
            spans.append(Span(
                traceID: traceID, spanID: SpanID(rng.next() | 1), parentSpanID: parent, flags: 1, name: "op-\(index)",
                kind: .client, start: start, end: end, attributes: ["i": .int(Int64(index))]))
        }
        var json = #"{"resourceSpans":[{"resource":{},"scopeSpans":[{"spans":["#
        for (index, span) in spans.enumerated() {
            if index > 0 { json += "," }
            let parent = span.parentSpanID.map { "\"parentSpanId\":\"\($0.hex)\"," } ?? ""
            json += #"{"traceId":"\#(span.traceID.hex)","spanId":"\#(span.spanID.hex)",\#(parent)"flags":1,"name":"\#(span.name)","#
            json += #""kind":3,"startTimeUnixNano":"\#(span.start.nanosecondsSinceEpoch)","endTimeUnixNano":"\#(span.end.nanosecondsSinceEpoch)","#
            json += #""attributes":[{"key":"i","value":{"intValue":"\#(index)"}}]}"#
        }
        json += "]}]}]}"
        let decoded = try F.decode(Array(json.utf8), .traces, .json)
        #expect(decoded.batches == [.spans(spans)])
    }

    @Test("a body of exactly the limit is taken, compressed or not")
    func exactlyAtLimit() throws {
        let body = try F.request("traces.binpb")
        #expect(try F.decode(body, .traces, .protobuf, limit: body.count).spans.count == 2)
        #expect(try F.decode(TestCompression.gzip(body), .traces, .protobuf, encoding: "gzip", limit: body.count).spans.count == 2)
    }
}
