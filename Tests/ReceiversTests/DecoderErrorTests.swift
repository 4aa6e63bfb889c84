import OTLP
@testable import Receivers
import Telemetry
import TestSupport
import Testing

/// Bodies a receiver must refuse, and how: 400 with a reason that points at the problem,
/// 413 for too much, never a crash and never the body echoed back.
@Suite("OTLP request decoding: refusals")
struct DecoderErrorTests {
    typealias F = RequestFixtures

    static let badJSON = [
        "", " ", "{", "}", "[]", "null", "nul", "{\"resourceSpans\": [}", "{\"resourceSpans\": [{]}", "{}x", "{} {}",
        "{\"resourceSpans\": 5}", "{\"resourceSpans\": [{\"scopeSpans\": [{\"spans\": [{\"name\": 7}]}]}]}",
        "{\"resourceSpans\": [{\"scopeSpans\": [{\"spans\": [{\"startTimeUnixNano\": \"soon\"}]}]}]}",
        "{\"resourceSpans\": [{\"scopeSpans\": [{\"spans\": [{\"name\": \"unterminated}]}]}]}",
        "{\"resourceSpans\": [{\"scopeSpans\": [{\"spans\": [{\"name\": \"bad escape \\x\"}]}]}]}",
        "\u{FEFF}{}",
    ]

    @Test("malformed JSON is 400 with the parser's reason", arguments: badJSON)
    func malformedJSON(_ text: String) throws {
        let refusal = try #require(F.refusal(Array(text.utf8), .traces, .json))
        #expect(refusal.status == 400)
        #expect(refusal.message.hasPrefix("malformed OTLP/JSON ExportTraceServiceRequest: "), "\(refusal.message)")
    }

    @Test("invalid UTF-8 inside a JSON string is 400")
    func jsonInvalidUTF8() throws {
        let body = Array(#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityText":""#.utf8) + [0xC3, 0x28] + Array(#""}]}]}]}"#.utf8)
        #expect(F.refusal(body, .logs, .json)?.status == 400)
    }

    /// Where an id sits in each signal's request, and its expected digit count.
    static let idPlaces: [(signal: Signal, prefix: String, suffix: String, field: String, digits: Int)] = [
        (.traces, #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"#, "}]}]}]}", "traceId", 32),
        (.traces, #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"spanId":"#, "}]}]}]}", "spanId", 16),
        (.traces, #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"parentSpanId":"#, "}]}]}]}", "parentSpanId", 16),
        (.traces, #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"links":[{"traceId":"#, "}]}]}]}]}", "traceId", 32),
        (.traces, #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"links":[{"spanId":"#, "}]}]}]}]}", "spanId", 16),
        (.traces, #"{"resource_spans":[{"scope_spans":[{"spans":[{"parent_span_id":"#, "}]}]}]}", "parent_span_id", 16),
        (.logs, #"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"#, "}]}]}]}", "traceId", 32),
        (.logs, #"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"span_id":"#, "}]}]}]}", "span_id", 16),
        (.metrics, #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"gauge":{"dataPoints":[{"exemplars":[{"traceId":"#,
         "}]}]}}]}]}]}", "traceId", 32),
        (.metrics, #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"gauge":{"dataPoints":[{"exemplars":[{"spanId":"#,
         "}]}]}}]}]}]}", "spanId", 16),
    ]

    @Test("each id field: not hex, too short, too long, odd length are 400 naming the field", arguments: idPlaces)
    func badIDs(_ place: (signal: Signal, prefix: String, suffix: String, field: String, digits: Int)) throws {
        func refusal(_ value: String) throws -> OTLPRequestError {
            try #require(F.refusal(Array((place.prefix + value + place.suffix).utf8), place.signal, .json))
        }
        let good = String(repeating: "ab", count: place.digits / 2)
        // The baseline: the same body with a good id decodes.
        #expect(F.refusal(Array((place.prefix + "\"\(good)\"" + place.suffix).utf8), place.signal, .json) == nil)

        let cases: [(value: String, says: String)] = [
            ("\"\(good.dropLast())\"", "\(place.digits - 1) hex digits, want \(place.digits)"),
            ("\"\(good)00\"", "\(place.digits + 2) hex digits, want \(place.digits)"),
            ("\"\(good.dropLast(2))\"", "\(place.digits - 2) hex digits, want \(place.digits)"),
            ("\"\(good.dropLast())g\"", "'g' is not a hex digit"),
            ("\"0x\(good.dropFirst(2))\"", "'x' is not a hex digit"),
            ("\"\(good.dropLast()) \"", "' ' is not a hex digit"),
            ("\"\(good.dropLast())\\u00e9\"", "an escape that is not a hex digit"),
            ("\"\(good.dropLast())é\"", "0xC3 is not a hex digit"),
            ("\"\(good)\(String(repeating: "0", count: 100_000))\"", "\(place.digits + 100_000) hex digits"),
        ]
        for (value, says) in cases {
            let error = try refusal(value)
            #expect(error.status == 400)
            #expect(error.message.hasPrefix("invalid \(place.field) at byte \(place.prefix.utf8.count): "), "\(error.message)")
            #expect(error.message.hasSuffix(says) || error.message.contains(says), "\(error.message)")
            #expect(error.message.utf8.count < 100, "the message never quotes the body")
        }
        // A value that is not a string is the parser's business: a number is refused,
        // null is no id.
        #expect(try refusal("12").message.hasPrefix("malformed OTLP/JSON"))
        #expect(F.refusal(Array((place.prefix + "null" + place.suffix).utf8), place.signal, .json) == nil)
    }

    @Test("a protobuf body cut anywhere is 400 or a shorter request, never a crash; cut by one byte it is 400")
    func truncatedProtobuf() throws {
        for (name, signal) in [("traces.binpb", Signal.traces), ("logs.binpb", .logs), ("metrics.binpb", .metrics)] {
            let body = try F.request(name)
            let whole = try F.decode(body, signal, .protobuf)
            let events = { (decoded: OTLPDecoded) in decoded.batches.reduce(0) { $0 + $1.eventCount } + decoded.partialSuccess.rejected }
            for length in 0..<body.count {
                do {
                    // Only a cut between two resources leaves a valid (shorter) request.
                    let part = try F.decode(Array(body[..<length]), signal, .protobuf)
                    #expect(events(part) < events(whole))
                } catch {
                    #expect(error.status == 400)
                    #expect(error.message.hasPrefix("malformed protobuf Export"))
                }
            }
            let error = try #require(F.refusal(Array(body.dropLast()), signal, .protobuf))
            #expect(error.message.contains("truncated"), "\(error.message)")
        }
    }

    @Test("protobuf garbage: a bad wire type, an overlong varint, invalid UTF-8 in a string are 400")
    func protobufGarbage() throws {
        let bodies: [[UInt8]] = [
            [0x0F],  // field 1, wire type 7
            [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],  // length varint of 11 bytes
            [0x0A, 0x05, 0x0A, 0x03, 0x0A, 0x01],  // nested lengths that overrun their parent
            // ResourceSpans → ScopeSpans → Span.name (5) = C3 28
            [0x0A, 0x08, 0x12, 0x06, 0x12, 0x04, 0x2A, 0x02, 0xC3, 0x28],
            [0x00],  // field 0
        ]
        for body in bodies {
            let error = try #require(F.refusal(body, .traces, .protobuf), "\(body)")
            #expect(error.status == 400 && error.message.hasPrefix("malformed protobuf ExportTraceServiceRequest: "))
        }
    }

    @Test("corrupt or truncated gzip and deflate are 400 with zlib's reason")
    func corruptCompression() throws {
        let plain = try F.request("traces.binpb")
        let gzip = TestCompression.gzip(plain)
        func refused(_ body: [UInt8], _ encoding: String = "gzip") throws -> OTLPRequestError {
            let error = try #require(F.refusal(body, .traces, .protobuf, encoding: encoding))
            #expect(error.status == 400, "\(error)")
            return error
        }
        #expect(try refused(Array(gzip.dropLast(4))).message.contains("truncated"))
        #expect(try refused(Array(gzip.prefix(gzip.count / 2))).message.contains("truncated"))
        #expect(try refused(Array(gzip.prefix(5))).message.contains("truncated"))
        var badCRC = gzip
        badCRC[badCRC.count - 6] ^= 0x01
        #expect(try refused(badCRC).message.contains("incorrect data check"))
        var badLength = gzip
        badLength[badLength.count - 2] ^= 0x01
        #expect(try refused(badLength).message.contains("incorrect length check"))
        #expect(try refused(plain).message.contains("incorrect header check"), "not gzip at all")
        #expect(try refused(gzip + [0, 0, 0, 0]).message.hasPrefix("gzip: "), "zero padding after the member")
        #expect(try refused(gzip + Array("trailing".utf8)).message.hasPrefix("gzip: "))
        #expect(try refused(TestCompression.zlib(plain) + [1], "deflate").message.contains("data after the end"))
        #expect(try refused(gzip, "deflate").message.hasPrefix("deflate: "), "gzip sent as deflate")
        // Flipping bits in the compressed data: refused (or, rarely, a different valid
        // stream whose CRC then fails), never a crash.
        var rng = SplitMix64(seed: 7)
        for _ in 0..<200 {
            var flipped = gzip
            flipped[10 + rng.next(flipped.count - 18)] ^= UInt8(1 << rng.next(8))
            let error = try #require(F.refusal(flipped, .traces, .protobuf, encoding: "gzip"))
            #expect(error.status == 400)
        }
    }

    @Test("a gzip bomb is 413 and inflating stops at the limit: its corrupt trailer is never reached")
    func gzipBomb() throws {
        let zeros = [UInt8](repeating: 0, count: 10 << 20)
        let bomb = TestCompression.gzip(zeros, level: 9)
        #expect(bomb.count < 64 << 10)
        let error = try #require(F.refusal(bomb, .logs, .protobuf, encoding: "gzip", limit: 1 << 20))
        #expect(error == OTLPRequestError(status: 413, message: "body larger than 1048576 bytes after gzip decompression"))

        // With a wrong CRC, inflating it all would end in 400 "incorrect data check";
        // 413 shows the decoder stopped after the first MiB.
        var corruptTail = bomb
        corruptTail[corruptTail.count - 6] ^= 0xFF
        #expect(F.refusal(corruptTail, .logs, .protobuf, encoding: "gzip", limit: 1 << 20)?.status == 413)
        #expect(F.refusal(corruptTail, .logs, .protobuf, encoding: "gzip", limit: 20 << 20)?.status == 400)

        // One byte over the limit is too much; at the limit it inflates, and the zeros are
        // then refused as protobuf (field number 0): 400, not 413.
        let small = TestCompression.gzip([UInt8](repeating: 0, count: 4096))
        #expect(F.refusal(small, .logs, .protobuf, encoding: "gzip", limit: 4095)?.status == 413)
        #expect(F.refusal(small, .logs, .protobuf, encoding: "gzip", limit: 4096)?.status == 400)
        #expect(F.refusal(TestCompression.zlib(zeros), .logs, .protobuf, encoding: "deflate", limit: 1 << 20)?.status == 413)
    }

    @Test("a body over the limit before decompression is 413")
    func rawBodyTooLarge() throws {
        let body = try F.request("traces.binpb")
        let error = try #require(F.refusal(body, .traces, .protobuf, limit: body.count - 1))
        #expect(error == OTLPRequestError(status: 413, message: "body of \(body.count) bytes, the limit is \(body.count - 1)"))
        #expect(F.refusal(TestCompression.gzip(body), .traces, .protobuf, encoding: "gzip", limit: 10)?.status == 413)
    }

    @Test("unsupported Content-Encoding is 400 naming it, cut short when long",
          arguments: ["br", "zstd", "compress", "gzip, gzip", "snappy", "gzip;q=1", "deflate-raw"])
    func unsupportedEncoding(_ encoding: String) throws {
        let error = try #require(F.refusal([], .traces, .protobuf, encoding: encoding))
        #expect(error == OTLPRequestError(status: 400, message: "unsupported Content-Encoding \"\(encoding)\" (gzip, deflate or identity)"))
    }

    @Test("a long Content-Encoding is quoted in part")
    func longEncoding() throws {
        let error = try #require(F.refusal([], .traces, .protobuf, encoding: String(repeating: "x", count: 10_000)))
        #expect(error.status == 400 && error.message.utf8.count < 100)
    }

    // MARK: nesting

    /// An ExportLogsServiceRequest whose one record's body nests `depth` array values:
    /// AnyValue.array_value (5) → ArrayValue.values (1) → AnyValue …, written inside out
    /// in one pass (lengths first, then the headers outermost first).
    static func nestedProtobuf(depth: Int) -> [UInt8] {
        // Headers from the innermost level out: (tag, length of what follows).
        var headers: [(tag: UInt8, length: Int)] = []
        var length = 0
        for _ in 0..<depth {
            headers.append((0x0A, length))  // ArrayValue.values = AnyValue
            length += 1 + varintSize(length)
            headers.append((0x2A, length))  // AnyValue.array_value = ArrayValue
            length += 1 + varintSize(length)
        }
        for tag: UInt8 in [0x2A, 0x12, 0x12, 0x0A] {  // LogRecord.body, ScopeLogs.log_records, ResourceLogs.scope_logs, request
            headers.append((tag, length))
            length += 1 + varintSize(length)
        }
        var out = ProtobufWriter(capacity: length)
        for header in headers.reversed() {
            out.appendVarint(UInt64(header.tag))
            out.appendVarint(UInt64(header.length))
        }
        return out.bytes()
    }

    static func varintSize(_ value: Int) -> Int {
        var size = 1
        var rest = value >> 7
        while rest > 0 {
            size += 1
            rest >>= 7
        }
        return size
    }

    static func nestedJSON(depth: Int, kvlist: Bool) -> [UInt8] {
        let open = kvlist ? #"{"kvlistValue":{"values":[{"key":"k","value":"# : #"{"arrayValue":{"values":["#
        let close = kvlist ? "}]}}" : "]}}"
        var out = Array(#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":"#.utf8)
        for _ in 0..<depth { out += open.utf8 }
        out += #"{"stringValue":"deep"}"#.utf8
        for _ in 0..<depth { out += close.utf8 }
        out += "}]}]}]}".utf8
        return out
    }

    @Test("100 000 nested values are 400 (depth limit), not a stack overflow, in protobuf and JSON")
    func deepNesting() throws {
        let protobuf = try #require(F.refusal(Self.nestedProtobuf(depth: 100_000), .logs, .protobuf))
        #expect(protobuf == OTLPRequestError(status: 400, message: "malformed protobuf ExportLogsServiceRequest: messages nested more than 100 deep"))
        for kvlist in [false, true] {
            let json = try #require(F.refusal(Self.nestedJSON(depth: 100_000, kvlist: kvlist), .logs, .json))
            #expect(json == OTLPRequestError(status: 400, message: "malformed OTLP/JSON ExportLogsServiceRequest: objects nested more than 100 deep"))
        }
        // Unknown fields are skipped, however deep; objects count against the limit, arrays
        // are skipped without recursion.
        let deepObjects = "{\"future\":" + String(repeating: "{\"a\":", count: 100_000) + "1" + String(repeating: "}", count: 100_001)
        #expect(F.refusal(Array(deepObjects.utf8), .traces, .json)?.status == 400)
        let deepArrays = "{\"future\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        #expect(F.refusal(Array(deepArrays.utf8), .traces, .json) == nil)
    }

    @Test("values nested 30 deep are taken, in both encodings")
    func moderateNesting() throws {
        let protobuf = try F.decode(Self.nestedProtobuf(depth: 30), .logs, .protobuf)
        let json = try F.decode(Self.nestedJSON(depth: 30, kvlist: false), .logs, .json)
        #expect(protobuf.logs.count == 1 && json.logs.count == 1)
        #expect(json.logs[0].body.starts(with: Array("[[[[".utf8)))
    }
}
