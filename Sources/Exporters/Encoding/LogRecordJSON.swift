import Telemetry

/// One log record as CONFIG.md's flat object:
/// `{"timestamp","observed_timestamp","severity_text","severity_number","body","attributes","resource","trace_id","span_id"}`,
/// plus `event_name` and `dropped_attributes_count` for SDK records that carry them.
///
/// Absent optional fields are omitted, never `null`: what Vector's and Fluent Bit's JSON
/// encoders do, so `has("trace_id")` and `.timestamp // .observed_timestamp` work as their
/// users expect. An all-zero trace or span id counts as absent (W3C and OTLP call it
/// invalid).
enum LogRecordJSON {
    /// - Parameter encodedResource: the batch's resource as a JSON object, encoded once per
    ///   batch since every record of it shares that resource.
    /// The last attributes object encoded, reused for the next record sharing its storage
    /// (every record of a file shares one: `log.file.path`).
    struct AttributesMemo {
        var identity: UnsafeRawPointer?
        var bytes: [UInt8] = []
    }

    static func append(_ record: LogRecord, encodedResource: [UInt8], memo: inout AttributesMemo, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        if let timestamp = record.timestamp {
            out.appendLiteral("\"timestamp\":")
            RFC3339.appendQuoted(timestamp, to: &out)
            out.append(UInt8(ascii: ","))
        }
        out.appendLiteral("\"observed_timestamp\":")
        RFC3339.appendQuoted(record.observedTimestamp, to: &out)
        out.appendLiteral(",\"severity_text\":")
        // The producer's spelling when it gave one; else OTel's range name, so every line
        // has a level word to filter on.
        JSONString.append(record.severity.text.isEmpty ? record.severity.rangeName : record.severity.text, to: &out)
        out.appendLiteral(",\"severity_number\":")
        DecimalDigits.append(UInt64(record.severity.number), to: &out)
        out.appendLiteral(",\"body\":")
        JSONString.append(record.body, to: &out)
        out.appendLiteral(",\"attributes\":")
        if let identity = record.attributes.storageIdentity {
            if identity != memo.identity {
                memo.bytes.removeAll(keepingCapacity: true)
                JSONAttributes.appendObject(record.attributes, to: &memo.bytes)
                memo.identity = identity
            }
            out.append(contentsOf: memo.bytes)
        } else {
            JSONAttributes.appendObject(record.attributes, to: &out)
        }
        out.appendLiteral(",\"resource\":")
        out.append(contentsOf: encodedResource)
        if let traceID = record.traceID, traceID.isValid {
            out.appendLiteral(",\"trace_id\":")
            HexDigit.appendQuoted(traceID, to: &out)
        }
        if let spanID = record.spanID, spanID.isValid {
            out.appendLiteral(",\"span_id\":")
            HexDigit.appendQuoted(spanID, to: &out)
        }
        if !record.eventName.isEmpty {
            out.appendLiteral(",\"event_name\":")
            JSONString.append(record.eventName, to: &out)
        }
        JSONNumber.appendMember(",\"dropped_attributes_count\":", record.droppedAttributesCount, to: &out)
        out.append(UInt8(ascii: "}"))
    }
}
