@testable import Receivers
import TestSupport
import Testing

/// The byte-level pass that turns OTLP/JSON's hex ids into proto3 JSON's base64 before
/// swift-protobuf parses the body: only id keys' string values change, everything else is
/// kept byte for byte, and no input makes it trap.
@Suite("OTLP/JSON id rewriting")
struct JSONIDRewriterTests {
    static let trace = "5b8efff798038103d269b633813fc60c"
    static let trace64 = "W47/95gDgQPSabYzgT/GDA=="
    static let span = "eee19b7ec3c1b174"
    static let span64 = "7uGbfsPBsXQ="

    static let rewritten: [(input: String, output: String)] = [
        (#"{"traceId":"\#(trace)"}"#, #"{"traceId":"\#(trace64)"}"#),
        (#"{"traceId":"\#(trace.uppercased())"}"#, #"{"traceId":"\#(trace64)"}"#),
        (#"{"spanId":"\#(span)","parentSpanId":"\#(span)"}"#, #"{"spanId":"\#(span64)","parentSpanId":"\#(span64)"}"#),
        (#"{"trace_id":"\#(trace)","span_id":"\#(span)","parent_span_id":"\#(span)"}"#,
         #"{"trace_id":"\#(trace64)","span_id":"\#(span64)","parent_span_id":"\#(span64)"}"#),
        // Whitespace everywhere is kept.
        (" {\n\t\"traceId\" \r\n:\t \"\(trace)\" , \"x\" : 1 }\n", " {\n\t\"traceId\" \r\n:\t \"\(trace64)\" , \"x\" : 1 }\n"),
        // Ids in nested arrays and objects.
        (#"[[{"links":[{"spanId":"\#(span)"},{"spanId":"\#(span)"}]}]]"#, #"[[{"links":[{"spanId":"\#(span64)"},{"spanId":"\#(span64)"}]}]]"#),
        // A key spelled with escapes is the same key to the parser.
        (#"{"trace\u0049d":"\#(trace)"}"#, #"{"trace\u0049d":"\#(trace64)"}"#),
        (#"{"span\u005fid":"\#(span)"}"#, #"{"span\u005fid":"\#(span64)"}"#),
        // Escaped hex digits are digits.
        (#"{"spanId":"\u0065ee19b7ec3c1b174"}"#, #"{"spanId":"\#(span64)"}"#),
        // An escaped quote inside a preceding string does not end it.
        (#"{"name":"a \"traceId\": \"x","spanId":"\#(span)"}"#, #"{"name":"a \"traceId\": \"x","spanId":"\#(span64)"}"#),
        (#"{"name":"ends in a backslash \\","spanId":"\#(span)"}"#, #"{"name":"ends in a backslash \\","spanId":"\#(span64)"}"#),
        // All zero is still 8 bytes (the converter decides it is no id).
        (#"{"spanId":"0000000000000000"}"#, #"{"spanId":"AAAAAAAAAAA="}"#),
    ]

    @Test("hex ids become base64 of the same bytes, nothing else changes", arguments: rewritten)
    func rewrites(_ row: (input: String, output: String)) throws {
        #expect(String(decoding: try OTLPJSONIDs.rewrite(Array(row.input.utf8)), as: UTF8.self) == row.output)
    }

    static let unchanged = [
        // A value "traceId" is not a key: attributes are {"key": …, "value": …}.
        #"{"key":"traceId","value":{"stringValue":"not hex at all"}}"#,
        #"["traceId", "spanId"]"#,
        #"{"a":"traceId" , "b":"spanId"}"#,
        // Not a string: the parser decides (null is no id, a number is an error).
        #"{"traceId":null,"spanId":12,"parentSpanId":{"x":"y"},"trace_id":[1]}"#,
        // "" is no id.
        #"{"traceId":"","spanId":""}"#,
        // Other keys, and near misses.
        #"{"traceID":"zz","TraceId":"zz","traceIds":"zz","xtraceId":"zz","spanid":"zz","trace\u0049D":"zz"}"#,
        // An escape that is not ASCII, or malformed, is not an id key.
        #"{"trace\u00cdd":"zz","trace\q":"zz","trace\u00":"zz"}"#,
        // Malformed JSON is left for the parser.
        #"{"traceId""#, #"{"traceId":"#, #"{"traceId" "#, #"{"traceId":"abc"#, #"""#, #"\"#, "", "{\"spanId\":\"\\",
        #"{"traceId" "5b8e"}"#,
        #"{"bytesValue":"3q2+7w==","stringValue":"5b8efff798038103d269b633813fc60c"}"#,
    ]

    @Test("keys only: values, other keys, non-string values and malformed JSON are left alone", arguments: unchanged)
    func leavesAlone(_ input: String) throws {
        #expect(try OTLPJSONIDs.rewrite(Array(input.utf8)) == Array(input.utf8))
    }

    static let refused: [(input: String, message: String)] = [
        (#"{"traceId":"5b8e"}"#, "invalid traceId at byte 11: 4 hex digits, want 32"),
        (#"{"spanId":"\#(trace)"}"#, "invalid spanId at byte 10: 32 hex digits, want 16"),
        (#"{"parentSpanId" : "\#(span)0"}"#, "invalid parentSpanId at byte 18: 17 hex digits, want 16"),
        (#"{"trace_id":"\#(trace.dropLast())"}"#, "invalid trace_id at byte 12: 31 hex digits, want 32"),
        (#"{"span_id":"eee19b7ec3c1b17z"}"#, "invalid span_id at byte 11: 'z' is not a hex digit"),
        (#"{"parent_span_id":"eee19b7e\u0000c1b174"}"#, "invalid parent_span_id at byte 18: 0x00 is not a hex digit"),
        (#"{"parent_span_id":"eee19b7e\u00e9c1b174"}"#, "invalid parent_span_id at byte 18: an escape that is not a hex digit"),
        (#"{"spanId":"eee19b7e\u0030\u00301b174"}"#, "invalid spanId at byte 10: 15 hex digits, want 16"),
        ("{\"spanId\":\"eee19b7e\tc1b1744\"}", "invalid spanId at byte 10: 0x09 is not a hex digit"),
        (#"{"trace\u0049d":"00"}"#, "invalid traceId at byte 16: 2 hex digits, want 32"),
        // The first bad id is reported, wherever it is.
        (#"{"spanId":"\#(span)","links":[{"traceId":"x"}]}"#, "invalid traceId at byte 49: 'x' is not a hex digit"),
    ]

    @Test("a bad id is 400 naming the field, where it is, and what is wrong", arguments: refused)
    func refuses(_ row: (input: String, message: String)) throws {
        #expect(throws: OTLPRequestError(status: 400, message: row.message)) {
            try OTLPJSONIDs.rewrite(Array(row.input.utf8))
        }
    }

    @Test("any bytes: no trap, output never longer than input, unchanged when there is no id key")
    func anyBytes() async {
        var rng = SplitMix64(seed: 0x1D5)
        let alphabet = Array(#"{}[]:,"\ u0049traceIdspan_Parent0123456789abcdefABCDEFxyz"#.utf8) + [0x00, 0x0A, 0x80, 0xC3, 0xFF]
        for round in 0..<20_000 {
            if round % 512 == 0 { await Task.yield() }  // share the 2-thread test pool
            let count = rng.next(48)
            let bytes = (0..<count).map { _ in alphabet[rng.next(alphabet.count)] }
            do {
                let out = try OTLPJSONIDs.rewrite(bytes)
                #expect(out.count <= bytes.count)
            } catch {
                #expect(error.status == 400 && error.message.hasPrefix("invalid "))
            }
        }
    }

    @Test("a body without ids is returned as it is")
    func noIDsNoCopy() throws {
        let body = Array(#"{"resourceMetrics":[{"scopeMetrics":[]}]}"#.utf8)
        #expect(try OTLPJSONIDs.rewrite(body) == body)
    }
}
