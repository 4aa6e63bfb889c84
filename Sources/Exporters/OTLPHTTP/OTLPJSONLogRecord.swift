import Telemetry

/// One log record as an OTLP/JSON `LogRecord`. The body follows the protobuf conversion: a
/// `stringValue` when it is valid UTF-8, else a `bytesValue` (base64), so the receiver
/// gets the bytes we read, not a U+FFFD-patched copy; an empty body is left out, as are an
/// absent time, an unspecified severity, empty severity text, zero flags and counts, absent
/// ids and an empty event name.
enum OTLPJSONLogRecord {
    static func append(_ record: LogRecord, to out: inout [UInt8]) {
        out.appendLiteral("{\"observedTimeUnixNano\":")
        JSONNumber.appendUnixNano(record.observedTimestamp, to: &out)
        if let timestamp = record.timestamp {
            out.appendLiteral(",\"timeUnixNano\":")
            JSONNumber.appendUnixNano(timestamp, to: &out)
        }
        if record.severity.number > 0 {
            out.appendLiteral(",\"severityNumber\":")
            DecimalDigits.append(UInt64(record.severity.number), to: &out)
        }
        if !record.severity.text.isEmpty {
            out.appendLiteral(",\"severityText\":")
            JSONString.append(record.severity.text, to: &out)
        }
        if !record.body.isEmpty {
            if isUTF8(record.body) {
                out.appendLiteral(",\"body\":{\"stringValue\":")
                JSONString.append(record.body, to: &out)
            } else {
                out.appendLiteral(",\"body\":{\"bytesValue\":")
                Base64.appendQuoted(record.body, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        if !record.attributes.isEmpty {
            out.appendLiteral(",\"attributes\":")
            OTLPJSONAttributes.appendList(record.attributes, to: &out)
        }
        JSONNumber.appendMember(",\"droppedAttributesCount\":", record.droppedAttributesCount, to: &out)
        if record.flags != 0 {
            out.appendLiteral(",\"flags\":")
            DecimalDigits.append(UInt64(record.flags), to: &out)
        }
        if let traceID = record.traceID, traceID.isValid {
            out.appendLiteral(",\"traceId\":")
            HexDigit.appendQuoted(traceID, to: &out)
        }
        if let spanID = record.spanID, spanID.isValid {
            out.appendLiteral(",\"spanId\":")
            HexDigit.appendQuoted(spanID, to: &out)
        }
        if !record.eventName.isEmpty {
            out.appendLiteral(",\"eventName\":")
            JSONString.append(record.eventName, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// ASCII, the usual log line, is checked without building a `String`.
    private static func isUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.allSatisfy { $0 < 0x80 } || String(validating: bytes, as: UTF8.self) != nil
    }
}
