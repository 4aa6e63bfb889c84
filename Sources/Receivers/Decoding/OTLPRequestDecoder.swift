import OTLP
import SwiftProtobuf
import Telemetry

/// An OTLP/HTTP request body, as received, to Telemetry batches: size limit,
/// decompression, protobuf or OTLP/JSON parsing, then `OTLPSpans` / `OTLPLogs` /
/// `OTLPMetrics`, which count what the model cannot carry (the `partial_success`).
/// Pure: no I/O, no state, safe on any bytes.
public enum OTLPRequestDecoder {
    /// How deep messages may nest inside messages, for both parsers: swift-protobuf's
    /// default, which bounds its recursion (and ours, over attribute values) well inside a
    /// thread's stack. An OTLP request uses 6 levels down to an attribute value; each
    /// nested map or array value takes 2–3 more, so a value may nest ~30 deep.
    public static let messageDepthLimit = 100

    /// Body bytes as received (perhaps compressed) → batches and what was not converted.
    /// - Parameters:
    ///   - contentEncoding: the `Content-Encoding` header: nil, `identity`, `gzip`
    ///     (`x-gzip`) or `deflate`, case-insensitive; others give 400 naming it.
    ///   - maxBodyBytes: the largest body taken, before and after decompression (413);
    ///     inflating stops at the limit, so a zip bomb costs at most this much memory.
    ///   - receivedAt: the time of log records and metric points that carry none.
    /// - Throws: 400 for a malformed body or encoding (the parser's reason, or the id field
    ///   at fault), 413 for a body over the limit.
    public static func decode(
        _ body: [UInt8], signal: Signal, contentType: OTLPContentType, contentEncoding: String?, maxBodyBytes: Int,
        receivedAt: Timestamp
    ) throws(OTLPRequestError) -> OTLPDecoded {
        let encoding = try OTLPContentEncoding(header: contentEncoding)
        guard body.count <= maxBodyBytes else { throw .tooLarge("body of \(body.count) bytes, the limit is \(maxBodyBytes)") }
        let bytes: [UInt8]
        switch encoding {
        case .identity: bytes = body
        // An empty body has nothing to inflate: it is an empty request, as without encoding.
        case .gzip: bytes = body.isEmpty ? body : try Inflate.decompress(body, format: .gzip, limit: maxBodyBytes)
        case .deflate: bytes = body.isEmpty ? body : try Inflate.decompress(body, format: .zlib, limit: maxBodyBytes)
        }
        switch signal {
        case .traces where contentType == .protobuf:
            // The receiver's hot path reads spans straight from the bytes, no message tree;
            // it accepts and refuses exactly what swift-protobuf does.
            do {
                return try OTLPSpans.batches(fromProtobuf: bytes, messageDepthLimit: messageDepthLimit)
            } catch {
                throw .badRequest("malformed protobuf \(shortName(OTLPTraceRequest.self)): \(reason(error))")
            }
        case .traces:
            return OTLPSpans.batches(from: try parse(OTLPTraceRequest.self, bytes, contentType))
        case .logs:
            return OTLPLogs.batches(from: try parse(OTLPLogsRequest.self, bytes, contentType), receivedAt: receivedAt)
        case .metrics:
            return OTLPMetrics.batches(from: try parse(OTLPMetricsRequest.self, bytes, contentType), receivedAt: receivedAt)
        }
    }

    static func parse<Request: SwiftProtobuf.Message>(
        _ type: Request.Type, _ bytes: [UInt8], _ contentType: OTLPContentType
    ) throws(OTLPRequestError) -> Request {
        switch contentType {
        case .protobuf:
            var options = BinaryDecodingOptions()
            options.messageDepthLimit = messageDepthLimit
            // Fields a newer SDK adds are not converted; keeping them would only cost memory.
            options.discardUnknownFields = true
            do {
                return try Request(serializedBytes: bytes, options: options)
            } catch {
                throw .badRequest("malformed protobuf \(shortName(Request.self)): \(reason(error))")
            }
        case .json:
            let rewritten = try OTLPJSONIDs.rewrite(bytes)
            var options = JSONDecodingOptions()
            options.messageDepthLimit = messageDepthLimit
            // OTLP/JSON receivers must ignore fields they do not know (the spec says so,
            // for forward compatibility); this also lets unknown enum names through as 0.
            options.ignoreUnknownFields = true
            do {
                return try Request(jsonUTF8Bytes: rewritten, options: options)
            } catch {
                throw .badRequest("malformed OTLP/JSON \(shortName(Request.self)): \(reason(error))")
            }
        }
    }

    /// `ExportTraceServiceRequest`, without the package.
    static func shortName<Request: SwiftProtobuf.Message>(_ type: Request.Type) -> Substring {
        Request.protoMessageName.split(separator: ".").last ?? Substring(Request.protoMessageName)
    }

    /// swift-protobuf's errors in words; none quotes the body.
    static func reason(_ error: any Error) -> String {
        switch error {
        case BinaryDecodingError.truncated, ProtobufReaderError.truncated: "truncated (a field runs past the end of the body)"
        case BinaryDecodingError.malformedProtobuf, ProtobufReaderError.malformed: "invalid wire format"
        case BinaryDecodingError.invalidUTF8, ProtobufReaderError.invalidUTF8: "a string field is not valid UTF-8"
        case BinaryDecodingError.messageDepthLimit, ProtobufReaderError.messageDepthLimit:
            "messages nested more than \(messageDepthLimit) deep"
        case BinaryDecodingError.trailingGarbage: "data after the message"
        case JSONDecodingError.messageDepthLimit: "objects nested more than \(messageDepthLimit) deep"
        case JSONDecodingError.truncated: "truncated (the body ends inside a value)"
        case JSONDecodingError.trailingGarbage: "data after the top-level object"
        case JSONDecodingError.invalidUTF8: "a string is not valid UTF-8"
        case JSONDecodingError.malformedNumber, JSONDecodingError.numberRange, JSONDecodingError.leadingZero:
            "a number is malformed or out of range for its field"
        case JSONDecodingError.malformedString: "a string is malformed or has an invalid escape"
        case JSONDecodingError.malformedBool: "a boolean is malformed"
        case JSONDecodingError.illegalNull: "null where a value is required"
        case JSONDecodingError.schemaMismatch: "a value has the wrong type for its field"
        case JSONDecodingError.conflictingOneOf: "two members of one oneof are set"
        case JSONDecodingError.unrecognizedEnumValue: "an enum value is not known"
        case JSONDecodingError.failure: "not valid JSON"
        default: "\(type(of: error))"
        }
    }
}
