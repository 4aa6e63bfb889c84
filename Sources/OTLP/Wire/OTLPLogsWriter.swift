import Telemetry

extension OTLPLogs {
    /// The `ExportLogsServiceRequest` for `batches` in protobuf bytes, written directly:
    /// byte for byte what `request(batches).serializedBytes()` gives, without building the
    /// message tree. The body's UTF-8 is checked in place, not by making a `String` of it.
    public static func serialize(_ batches: [TelemetryBatch]) -> [UInt8] {
        var capacity = 64
        for batch in batches {
            guard case .logs(let records) = batch.payload else { continue }
            for record in records { capacity += 128 + record.body.count }
        }
        return OTLPRequestWriter.request(OTLPGrouping.logRuns(batches), capacity: capacity) { run, out in
            guard case .logs(let records) = batches[run.batch].payload else { return }
            records.withUnsafeBufferPointer { records in
                for index in run.items {
                    // ScopeLogs 2: a record, usually 128 bytes to 16 KiB.
                    out.appendMessageField(2, lengthGuess: 2) { out in appendRecord(records[index], to: &out) }
                }
            }
        }
    }

    /// The fields of one `LogRecord`, in field-number order, as `message(_:)` sets them.
    static func appendRecord(_ record: LogRecord, to out: inout ProtobufWriter) {
        let time = record.timestamp?.unixNano ?? 0
        if time != 0 { out.appendFixed64Field(1, time) }
        // An unknown number goes as it is, as a proto3 enum keeps it.
        if record.severity.number != 0 { out.appendVarintField(2, UInt64(record.severity.number)) }
        if !record.severity.text.isEmpty { out.appendStringField(3, record.severity.text) }
        if !record.body.isEmpty {
            // AnyValue: 1 string when the bytes are UTF-8, 7 bytes otherwise.
            let count = record.body.count
            out.appendTag(5, .lengthDelimited)
            out.appendVarint(UInt64(1 + ProtobufWriter.varintSize(count) + count))
            out.appendBytesField(UTF8Sequence.isValid(record.body) ? 1 : 7, record.body)
        }
        OTLPAttributesWriter.append(record.attributes, field: 6, to: &out)
        if record.droppedAttributesCount != 0 { out.appendVarintField(7, UInt64(record.droppedAttributesCount)) }
        if record.flags != 0 { out.appendFixed32Field(8, UInt32(record.flags)) }
        if let traceID = record.traceID, traceID.isValid { OTLPRequestWriter.appendTraceID(9, traceID, to: &out) }
        if let spanID = record.spanID, spanID.isValid { OTLPRequestWriter.appendSpanID(10, spanID, to: &out) }
        let observed = record.observedTimestamp.unixNano
        if observed != 0 { out.appendFixed64Field(11, observed) }
        if !record.eventName.isEmpty { out.appendStringField(12, record.eventName) }
    }
}
