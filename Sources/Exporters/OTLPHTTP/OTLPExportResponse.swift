import OTLP
import SwiftProtobuf
import Telemetry

/// The `partial_success` of an OTLP `Export*ServiceResponse`, read in the encoding the
/// request was sent in (the spec has the server answer in kind).
struct OTLPExportResponse: Sendable, Hashable {
    /// Log records, data points or spans the server refused.
    var rejected: Int64
    var errorMessage: String

    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    /// An empty body is a response without `partial_success`: everything was accepted.
    static func parse(_ body: [UInt8], signal: Signal, encoding: OTLPEncoding) throws(Unreadable) -> OTLPExportResponse {
        guard !body.isEmpty else { return OTLPExportResponse(rejected: 0, errorMessage: "") }
        do {
            switch signal {
            case .logs:
                let partial = try decode(OTLPLogsResponse.self, body, encoding).partialSuccess
                return OTLPExportResponse(rejected: partial.rejectedLogRecords, errorMessage: partial.errorMessage)
            case .metrics:
                let partial = try decode(OTLPMetricsResponse.self, body, encoding).partialSuccess
                return OTLPExportResponse(rejected: partial.rejectedDataPoints, errorMessage: partial.errorMessage)
            case .traces:
                let partial = try decode(OTLPTraceResponse.self, body, encoding).partialSuccess
                return OTLPExportResponse(rejected: partial.rejectedSpans, errorMessage: partial.errorMessage)
            }
        } catch {
            // HTTPSender keeps only the start of a response; a long error message cut off
            // there must not lose the count of what was rejected.
            if body.count >= HTTPSender.keptResponseBytes, let cut = truncated(body, signal: signal, encoding: encoding) { return cut }
            throw Unreadable(description: "\(error)")
        }
    }

    private static func decode<Response: SwiftProtobuf.Message>(
        _ type: Response.Type, _ body: [UInt8], _ encoding: OTLPEncoding
    ) throws -> Response {
        switch encoding {
        case .protobuf:
            return try Response(serializedBytes: body)
        case .json:
            // A newer server may add fields; what we need is there either way.
            var options = JSONDecodingOptions()
            options.ignoreUnknownFields = true
            return try Response(jsonUTF8Bytes: body, options: options)
        }
    }
}

/// The message of a `google.rpc.Status`, the body OTLP/HTTP servers send with an error
/// status in protobuf: field 2 (`message`, a string), read by hand since nothing else
/// here needs the type. Nil when the body is not such a message.
enum GoogleRPCStatus {
    static func message(_ body: [UInt8]) -> String? {
        var index = 0
        var message: String?
        while index < body.count {
            guard let key = ProtobufWire.varint(body, &index) else { return nil }
            let field = key >> 3
            switch key & 7 {
            case 0:
                guard ProtobufWire.varint(body, &index) != nil else { return nil }
            case 1:
                index += 8
            case 5:
                index += 4
            case 2:
                guard let length = ProtobufWire.varint(body, &index), length <= UInt64(body.count - index) else { return nil }
                let end = index + Int(length)
                if field == 2 {
                    guard let text = String(validating: body[index..<end], as: UTF8.self) else { return nil }
                    message = text
                }
                index = end
            default:
                return nil
            }
            guard field > 0, index <= body.count else { return nil }
        }
        return message
    }
}

/// Reading protobuf's wire format by hand, for the two small messages above.
enum ProtobufWire {
    static func varint(_ bytes: [UInt8], _ index: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count, shift < 64 {
            let byte = bytes[index]
            index += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }
}
