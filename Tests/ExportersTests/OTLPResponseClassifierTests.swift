import Foundation
import OTLP
import Telemetry
import Testing
@testable import Exporters

@Suite("OTLP/HTTP: response classifier")
struct OTLPResponseClassifierTests {
    static func classifier(_ signal: Signal = .logs, _ encoding: OTLPEncoding = .protobuf, logs: LogCapture = LogCapture())
        -> OTLPResponseClassifier
    {
        OTLPResponseClassifier(signal: signal, encoding: encoding, logger: logs.logger)
    }

    /// `partial_success` as the server would send it, in protobuf.
    static func partialSuccess(_ signal: Signal, rejected: Int64, message: String) throws -> [UInt8] {
        switch signal {
        case .logs:
            var response = OTLPLogsResponse()
            response.partialSuccess.rejectedLogRecords = rejected
            response.partialSuccess.errorMessage = message
            return try response.serializedBytes()
        case .metrics:
            var response = OTLPMetricsResponse()
            response.partialSuccess.rejectedDataPoints = rejected
            response.partialSuccess.errorMessage = message
            return try response.serializedBytes()
        case .traces:
            var response = OTLPTraceResponse()
            response.partialSuccess.rejectedSpans = rejected
            response.partialSuccess.errorMessage = message
            return try response.serializedBytes()
        }
    }

    @Test("2xx without a body, or with an empty response, is delivered", arguments: [200, 201, 202, 204])
    func delivered(status: Int) throws {
        for encoding in OTLPEncoding.allCases {
            #expect(Self.classifier(.logs, encoding).classify(status: status, retryAfter: nil, body: []) == .delivered)
        }
        #expect(Self.classifier(.traces, .json).classify(status: status, retryAfter: nil, body: Array("{}".utf8)) == .delivered)
        let empty: [UInt8] = try OTLPMetricsResponse().serializedBytes()
        #expect(Self.classifier(.metrics).classify(status: status, retryAfter: nil, body: empty) == .delivered)
    }

    @Test("429, 502, 503, 504 are retryable and keep Retry-After", arguments: [429, 502, 503, 504])
    func retryable(status: Int) {
        let outcome = Self.classifier().classify(status: status, retryAfter: .seconds(7), body: [])
        guard case .retryable(_, let retryAfter) = outcome else {
            Issue.record("\(status): \(outcome)")
            return
        }
        #expect(retryAfter == .seconds(7))
    }

    @Test("every other status is permanent, 500 and 408 included (the OTLP spec retries only four)",
          arguments: [400, 401, 403, 404, 405, 408, 413, 415, 500, 501, 505, 301, 302, 101])
    func permanent(status: Int) {
        let outcome = Self.classifier().classify(status: status, retryAfter: .seconds(1), body: [])
        guard case .permanent = outcome else {
            Issue.record("\(status): \(outcome)")
            return
        }
    }

    @Test("partial_success with rejected items: partially delivered with the server's message", arguments: Signal.allCases)
    func partialProtobuf(signal: Signal) throws {
        let body = try Self.partialSuccess(signal, rejected: 3, message: "3 records had invalid trace ids")
        let items = ["logs": "log records", "metrics": "data points", "traces": "spans"][signal.rawValue]!
        #expect(Self.classifier(signal).classify(status: 200, retryAfter: nil, body: body)
            == .partiallyDelivered(rejected: 3, reason: "server rejected 3 \(items): 3 records had invalid trace ids"))
    }

    @Test("partial_success in OTLP/JSON: int64 as a string or a number, unknown fields ignored")
    func partialJSON() {
        let bodies = [
            #"{"partialSuccess":{"rejectedLogRecords":"2","errorMessage":"too old"}}"#,
            #"{"partialSuccess":{"rejectedLogRecords":2,"errorMessage":"too old"},"futureField":true}"#,
        ]
        for body in bodies {
            #expect(Self.classifier(.logs, .json).classify(status: 200, retryAfter: nil, body: Array(body.utf8))
                == .partiallyDelivered(rejected: 2, reason: "server rejected 2 log records: too old"))
        }
        let spans = #"{"partialSuccess":{"rejectedSpans":"1"}}"#
        #expect(Self.classifier(.traces, .json).classify(status: 200, retryAfter: nil, body: Array(spans.utf8))
            == .partiallyDelivered(rejected: 1, reason: "server rejected 1 spans: no reason given"))
    }

    @Test("a long error message cut off at the sender's kept bytes still gives the rejected count", arguments: OTLPEncoding.allCases)
    func truncatedPartialSuccess(encoding: OTLPEncoding) throws {
        let message = String(repeating: "span 7 has no name; ", count: 100)
        let whole: [UInt8] = switch encoding {
        case .protobuf: try Self.partialSuccess(.traces, rejected: 12, message: message)
        case .json: Array(#"{"partialSuccess":{"rejectedSpans":"12","errorMessage":"\#(message)"}}"#.utf8)
        }
        let kept = Array(whole.prefix(HTTPSender.keptResponseBytes))
        let outcome = Self.classifier(.traces, encoding).classify(status: 200, retryAfter: nil, body: kept)
        guard case .partiallyDelivered(let rejected, let reason) = outcome else {
            Issue.record("\(outcome)")
            return
        }
        #expect(rejected == 12)
        #expect(reason.hasPrefix(encoding == .protobuf ? "server rejected 12 spans: span 7 has no name; span 7" : "server rejected 12 spans: (message cut off)"))
        #expect(encoding == .json || reason.hasSuffix("…"))
    }

    @Test("a message without rejections is a warning: delivered, and logged")
    func warningOnly() throws {
        let logs = LogCapture()
        let body = try Self.partialSuccess(.metrics, rejected: 0, message: "unit \"bytes\" normalised to \"By\"")
        #expect(Self.classifier(.metrics, logs: logs).classify(status: 200, retryAfter: nil, body: body) == .delivered)
        #expect(logs.messages(.warning) == ["OTLP metrics endpoint accepted all data points with a warning: unit \"bytes\" normalised to \"By\""])
    }

    @Test("a 200 whose body is not a response is still delivered, and logged")
    func garbage() {
        for encoding in OTLPEncoding.allCases {
            let logs = LogCapture()
            let outcome = Self.classifier(.traces, encoding, logs: logs)
                .classify(status: 200, retryAfter: nil, body: [0xFF, 0x00] + Array("<html>ok</html>".utf8))
            #expect(outcome == .delivered)
            #expect(logs.messages(.warning) == [
                "OTLP traces endpoint answered 200 with a body that is not an OTLP \(encoding) response; counted as delivered"
            ])
        }
    }

    @Test("error reasons quote the google.rpc.Status message of a protobuf body, a JSON body as it is")
    func errorReasons() {
        let message = Array("trace_id is 5 bytes".utf8)
        let status: [UInt8] = [0x08, 0x03, 0x12, UInt8(message.count)] + message
        #expect(Self.classifier().classify(status: 400, retryAfter: nil, body: status)
            == .permanent(reason: "400 Bad Request: trace_id is 5 bytes"))
        #expect(Self.classifier().classify(status: 503, retryAfter: nil, body: Array("overloaded".utf8))
            == .retryable(reason: "503 Service Unavailable: overloaded"))
        let json = #"{"code":3,"message":"bad"}"#
        #expect(Self.classifier(.logs, .json).classify(status: 400, retryAfter: nil, body: Array(json.utf8))
            == .permanent(reason: "400 Bad Request: \(json)"))
    }

    @Test("google.rpc.Status: field 2 is the message; truncated or foreign bodies are not a status")
    func rpcStatus() {
        #expect(GoogleRPCStatus.message([0x08, 0x0E, 0x12, 0x02, 0x68, 0x69]) == "hi")
        #expect(GoogleRPCStatus.message([0x12, 0x05, 0x68, 0x69]) == nil, "length past the end")
        #expect(GoogleRPCStatus.message(Array("Bad Request".utf8)) == nil)
        #expect(GoogleRPCStatus.message(Array(#"{"code":3}"#.utf8)) == nil)
        #expect(GoogleRPCStatus.message([]) == nil)
    }
}
