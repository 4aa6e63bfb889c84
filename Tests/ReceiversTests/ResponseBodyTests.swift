import Foundation
@testable import OTLP
@testable import Receivers
import SwiftProtobuf
import Telemetry
import Testing

/// What the receiver answers with: the content type it recognises, the 200 body an SDK
/// reads `partial_success` from, and the error body (google.rpc.Status), each in the
/// request's encoding and readable by a stock protobuf / JSON parser.
@Suite("OTLP responses and content types")
struct ResponseBodyTests {
    static let contentTypes: [(header: String?, type: OTLPContentType?)] = [
        ("application/x-protobuf", .protobuf),
        ("application/json", .json),
        ("Application/X-Protobuf", .protobuf),
        ("APPLICATION/JSON; charset=utf-8", .json),
        ("application/json;charset=UTF-8", .json),
        (" application/json \t", .json),
        ("application/x-protobuf ; proto=opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest", .protobuf),
        (nil, nil), ("", nil), (";", nil), ("application/protobuf", nil), ("text/plain", nil), ("application/jsonx", nil),
        ("application/json, application/x-protobuf", nil), ("application/ json", nil), ("application/grpc", nil),
    ]

    @Test("Content-Type: media type any case, parameters ignored; anything else is unsupported (415)", arguments: contentTypes)
    func contentType(_ row: (header: String?, type: OTLPContentType?)) {
        #expect(OTLPContentType(header: row.header) == row.type)
        if let type = row.type { #expect(OTLPContentType(header: type.headerValue) == type) }
    }

    static func partial(rejected: Int, reason: String) -> OTLPPartialSuccess {
        var partial = OTLPPartialSuccess()
        partial.reject(rejected, reason)
        return partial
    }

    @Test("nothing rejected: an empty protobuf response, {} in JSON", arguments: Signal.allCases)
    func emptySuccess(_ signal: Signal) throws {
        #expect(OTLPResponseBody.success(signal: signal, partial: OTLPPartialSuccess(), as: .protobuf) == [])
        #expect(OTLPResponseBody.success(signal: signal, partial: OTLPPartialSuccess(), as: .json) == Array("{}".utf8))
    }

    @Test("partial success in protobuf is what swift-protobuf writes, for each signal's response")
    func partialProtobuf() throws {
        let partial = Self.partial(rejected: 3, reason: "span \"a\": trace_id has 3 bytes, not 16")
        var traces = OTLPTraceResponse()
        traces.partialSuccess.rejectedSpans = 3
        traces.partialSuccess.errorMessage = partial.errorMessage
        #expect(OTLPResponseBody.success(signal: .traces, partial: partial, as: .protobuf) == (try traces.serializedBytes()))
        var logs = OTLPLogsResponse()
        logs.partialSuccess.rejectedLogRecords = 3
        logs.partialSuccess.errorMessage = partial.errorMessage
        #expect(OTLPResponseBody.success(signal: .logs, partial: partial, as: .protobuf) == (try logs.serializedBytes()))
        var metrics = OTLPMetricsResponse()
        metrics.partialSuccess.rejectedDataPoints = 3
        metrics.partialSuccess.errorMessage = partial.errorMessage
        #expect(OTLPResponseBody.success(signal: .metrics, partial: partial, as: .protobuf) == (try metrics.serializedBytes()))
    }

    @Test("partial success in JSON: lowerCamelCase, int64 as a string, the message escaped")
    func partialJSON() throws {
        let partial = Self.partial(rejected: 2, reason: "metric \"x\"\n\tis é 🚀 \\ \u{1}")
        let traces = OTLPResponseBody.success(signal: .traces, partial: partial, as: .json)
        #expect(String(decoding: traces, as: UTF8.self)
            == #"{"partialSuccess":{"rejectedSpans":"2","errorMessage":"metric \"x\"\n\tis é 🚀 \\ \u0001"}}"#)
        let logs = try OTLPLogsResponse(jsonUTF8Bytes: OTLPResponseBody.success(signal: .logs, partial: partial, as: .json))
        #expect(logs.partialSuccess.rejectedLogRecords == 2 && logs.partialSuccess.errorMessage == partial.errorMessage)
        let metrics = try OTLPMetricsResponse(jsonUTF8Bytes: OTLPResponseBody.success(signal: .metrics, partial: partial, as: .json))
        #expect(metrics.partialSuccess.rejectedDataPoints == 2 && metrics.partialSuccess.errorMessage == partial.errorMessage)
    }

    @Test("a warning without rejections: partial_success with only the message (the spec allows it)")
    func warningOnly() throws {
        var partial = OTLPPartialSuccess()
        partial.note("span: attribute \"k\" has no value and was left out")
        let json = OTLPResponseBody.success(signal: .traces, partial: partial, as: .json)
        #expect(String(decoding: json, as: UTF8.self)
            == #"{"partialSuccess":{"errorMessage":"span: attribute \"k\" has no value and was left out"}}"#)
        let protobuf = try OTLPTraceResponse(serializedBytes: OTLPResponseBody.success(signal: .traces, partial: partial, as: .protobuf))
        #expect(protobuf.hasPartialSuccess && protobuf.partialSuccess.rejectedSpans == 0)
        #expect(protobuf.partialSuccess.errorMessage == partial.errorMessage)
    }

    @Test("the response to a real request's rejections carries its count and reasons")
    func fromDecodedRequest() throws {
        let decoded = try RequestFixtures.decode(try RequestFixtures.request("metrics.json"), .metrics, .json)
        let body = OTLPResponseBody.success(signal: .metrics, partial: decoded.partialSuccess, as: .protobuf)
        let response = try OTLPMetricsResponse(serializedBytes: body)
        #expect(response.partialSuccess.rejectedDataPoints == 2)
        #expect(response.partialSuccess.errorMessage.contains("jobs.delta"))
    }

    @Test("google.rpc.Status in protobuf: code (int32, sign-extended) and message; defaults left out")
    func statusProtobuf() {
        #expect(OTLPResponseBody.status(code: 3, message: "bad", as: .protobuf) == [0x08, 0x03, 0x12, 0x03] + Array("bad".utf8))
        #expect(OTLPResponseBody.status(code: 0, message: "", as: .protobuf) == [])
        #expect(OTLPResponseBody.status(code: 14, message: "", as: .protobuf) == [0x08, 0x0E])
        #expect(OTLPResponseBody.status(code: -1, message: "", as: .protobuf) == [0x08] + [UInt8](repeating: 0xFF, count: 9) + [0x01])
        let long = String(repeating: "é", count: 150)  // 300 bytes: a two-byte length
        #expect(OTLPResponseBody.status(code: 8, message: long, as: .protobuf) == [0x08, 0x08, 0x12, 0xAC, 0x02] + Array(long.utf8))
    }

    @Test("google.rpc.Status in JSON: both members, the message escaped")
    func statusJSON() throws {
        let body = OTLPResponseBody.status(code: 3, message: "invalid traceId at byte 11: \"x\"\n", as: .json)
        #expect(String(decoding: body, as: UTF8.self) == #"{"code":3,"message":"invalid traceId at byte 11: \"x\"\n"}"#)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect(object["code"] as? Int == 3 && object["message"] as? String == "invalid traceId at byte 11: \"x\"\n")
        #expect(String(decoding: OTLPResponseBody.status(code: -2, message: "", as: .json), as: UTF8.self) == #"{"code":-2,"message":""}"#)
    }
}
