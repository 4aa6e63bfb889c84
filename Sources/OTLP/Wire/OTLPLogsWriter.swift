import Telemetry

extension OTLPLogs {
    /// The `ExportLogsServiceRequest` for `batches` in protobuf bytes, written directly:
    /// byte for byte what `request(batches).serializedBytes()` gives, without building the
    /// message tree. The body's UTF-8 is checked in place, not by making a `String` of it.
    public static func serialize(_ batches: [TelemetryBatch]) -> [UInt8] {
        var estimate = 0
        for batch in batches {
            guard case .logs(let records) = batch.payload else { continue }
            for record in records { estimate += 64 + record.body.count }
        }
        var out: [UInt8] = []
        out.reserveCapacity(estimate)
        OTLPRequestWriter.appendResourceGroups(OTLPGrouping.logs(batches), itemLengthGuess: 2, to: &out, item: appendRecord)
        return out
    }

    /// The fields of one `LogRecord`, in field-number order, as `message(_:)` sets them.
    static func appendRecord(_ record: LogRecord, to out: inout [UInt8]) {
        let time = record.timestamp?.unixNano ?? 0
        if time != 0 { ProtobufWriter.appendFixed64Field(1, time, to: &out) }
        if record.severity.number != 0 { ProtobufWriter.appendVarintField(2, UInt64(record.severity.number), to: &out) }
        if !record.severity.text.isEmpty { ProtobufWriter.appendStringField(3, record.severity.text, to: &out) }
        if !record.body.isEmpty {
            // AnyValue: 1 string when the bytes are UTF-8, 7 bytes otherwise.
            let count = record.body.count
            ProtobufWriter.appendTag(5, .lengthDelimited, to: &out)
            ProtobufWriter.appendVarint(UInt64(1 + ProtobufWriter.varintSize(count) + count), to: &out)
            ProtobufWriter.appendBytesField(UTF8Validation.isValid(record.body) ? 1 : 7, record.body, to: &out)
        }
        OTLPAttributesWriter.append(record.attributes, field: 6, to: &out)
        if record.droppedAttributesCount != 0 {
            ProtobufWriter.appendVarintField(7, UInt64(record.droppedAttributesCount), to: &out)
        }
        if record.flags != 0 { ProtobufWriter.appendFixed32Field(8, UInt32(record.flags), to: &out) }
        if let traceID = record.traceID, traceID.isValid { OTLPRequestWriter.appendTraceID(9, traceID, to: &out) }
        if let spanID = record.spanID, spanID.isValid { OTLPRequestWriter.appendSpanID(10, spanID, to: &out) }
        let observed = record.observedTimestamp.unixNano
        if observed != 0 { ProtobufWriter.appendFixed64Field(11, observed, to: &out) }
        if !record.eventName.isEmpty { ProtobufWriter.appendStringField(12, record.eventName, to: &out) }
    }
}
