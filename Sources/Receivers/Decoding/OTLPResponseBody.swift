import OTLP
import Telemetry

/// The bodies an OTLP/HTTP receiver answers with, in the request's encoding. Both
/// messages are two scalar fields deep, so they are written by hand: nothing to fail,
/// nothing to allocate beyond the bytes themselves.
public enum OTLPResponseBody {
    /// 200: the signal's `Export*ServiceResponse`. Its `partial_success` (`rejected_spans`,
    /// `rejected_log_records` or `rejected_data_points`, and `error_message`) is set when
    /// `partial` has anything to say, else the response is empty (`{}` in JSON), which
    /// tells the sender everything was accepted.
    public static func success(signal: Signal, partial: OTLPPartialSuccess, as contentType: OTLPContentType) -> [UInt8] {
        let rejected = Int64(partial.rejected)
        let message = partial.isEmpty ? "" : partial.errorMessage
        switch contentType {
        case .protobuf:
            guard !partial.isEmpty else { return [] }
            // ExportPartialSuccess: 1 int64 rejected_<items>, 2 string error_message; it is
            // field 1 of every Export*ServiceResponse.
            var out = ProtobufWriter()
            out.appendMessageField(1) { inner in
                if rejected != 0 { inner.appendVarintField(1, UInt64(bitPattern: rejected)) }
                if !message.isEmpty { inner.appendStringField(2, message) }
            }
            return out.bytes()
        case .json:
            guard !partial.isEmpty else { return Array("{}".utf8) }
            // proto3 JSON: lowerCamelCase names, int64 as a decimal string, defaults left out.
            var out = Array("{\"partialSuccess\":{".utf8)
            if rejected != 0 {
                out.append(contentsOf: "\"\(rejectedKey(signal))\":\"\(rejected)\"".utf8)
                if !message.isEmpty { out.append(UInt8(ascii: ",")) }
            }
            if !message.isEmpty {
                out.append(contentsOf: "\"errorMessage\":".utf8)
                JSONString.append(message, to: &out)
            }
            out.append(contentsOf: "}}".utf8)
            return out
        }
    }

    /// 4xx and 5xx: a `google.rpc.Status` with `code` (field 1, int32: a gRPC code, such as
    /// 3 INVALID_ARGUMENT for a malformed body) and `message` (field 2); `details` is not
    /// used. JSON always has both members: `{"code":3,"message":"…"}`.
    public static func status(code: Int32, message: String, as contentType: OTLPContentType) -> [UInt8] {
        switch contentType {
        case .protobuf:
            var out = ProtobufWriter()
            // int32 is sign-extended to 64 bits on the wire (a negative code takes 10 bytes).
            if code != 0 { out.appendVarintField(1, UInt64(bitPattern: Int64(code))) }
            if !message.isEmpty { out.appendStringField(2, message) }
            return out.bytes()
        case .json:
            var out = Array("{\"code\":\(code),\"message\":".utf8)
            JSONString.append(message, to: &out)
            out.append(UInt8(ascii: "}"))
            return out
        }
    }

    private static func rejectedKey(_ signal: Signal) -> String {
        switch signal {
        case .traces: "rejectedSpans"
        case .logs: "rejectedLogRecords"
        case .metrics: "rejectedDataPoints"
        }
    }
}
