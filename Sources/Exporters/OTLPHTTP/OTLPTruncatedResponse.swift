import Telemetry

extension OTLPExportResponse {
    /// `partial_success` read from the start of a body cut off in its error message: the
    /// rejected count comes first on the wire (protobuf field order, and OTLP/JSON as
    /// servers write it), so it is there even when the end is not. Nil when it is not.
    static func truncated(_ body: [UInt8], signal: Signal, encoding: OTLPEncoding) -> OTLPExportResponse? {
        switch encoding {
        case .protobuf: truncatedProtobuf(body)
        case .json: truncatedJSON(body, signal: signal)
        }
    }

    /// `partial_success` is field 1 of the response; in it `rejected_*` is field 1 (a
    /// varint) and `error_message` field 2.
    private static func truncatedProtobuf(_ body: [UInt8]) -> OTLPExportResponse? {
        var index = 0
        guard ProtobufWire.varint(body, &index) == 0x0A, ProtobufWire.varint(body, &index) != nil else { return nil }
        var rejected: Int64?
        var message = ""
        while index < body.count, let key = ProtobufWire.varint(body, &index) {
            if key == 0x08, let value = ProtobufWire.varint(body, &index) {
                rejected = Int64(bitPattern: value)
            } else if key == 0x12, let length = ProtobufWire.varint(body, &index) {
                let available = body.count - index
                let cut = length > UInt64(available)
                let end = cut ? body.count : index + Int(length)
                message = String(decoding: body[index..<end], as: UTF8.self) + (cut ? "…" : "")
                index = end
            } else {
                break
            }
        }
        return rejected.map { OTLPExportResponse(rejected: $0, errorMessage: message) }
    }

    /// `"rejectedLogRecords": "12"` (or a bare number) anywhere in the prefix; the message,
    /// with its JSON escapes, is not worth decoding from a fragment.
    private static func truncatedJSON(_ body: [UInt8], signal: Signal) -> OTLPExportResponse? {
        let key: [UInt8] = switch signal {
        case .logs: Array("\"rejectedLogRecords\"".utf8)
        case .metrics: Array("\"rejectedDataPoints\"".utf8)
        case .traces: Array("\"rejectedSpans\"".utf8)
        }
        guard let start = body.indices.first(where: { body[$0...].starts(with: key) }) else { return nil }
        var index = start + key.count
        let skipped: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ":"), UInt8(ascii: "\"")]
        while index < body.count, skipped.contains(body[index]) { index += 1 }
        let digits = body[index...].prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard !digits.isEmpty, let rejected = Int64(String(decoding: digits, as: UTF8.self)) else { return nil }
        return OTLPExportResponse(rejected: rejected, errorMessage: "(message cut off)")
    }
}
