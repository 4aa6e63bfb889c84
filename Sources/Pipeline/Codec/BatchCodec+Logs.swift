import Telemetry

// Records written before scope details, event names and dropped counts existed have none
// of those flag bits set, so they decode unchanged: no version bump.
extension BatchCodec {
    enum LogFlag {
        static let timestamp: UInt8 = 1 << 0
        static let traceID: UInt8 = 1 << 1
        static let spanID: UInt8 = 1 << 2
        static let sameScope: UInt8 = 1 << 3
        static let sameSeverityText: UInt8 = 1 << 4
        /// The scope that follows is extended (attributes, schema URL): `hasDetails`.
        static let scopeDetails: UInt8 = 1 << 5
        /// The record ends with its dropped-attributes count and event name, one of which is
        /// set: SDK records rarely carry either, so the common record pays nothing.
        static let details: UInt8 = 1 << 6
        static let all: UInt8 = 0x7F
    }

    static func logs(_ records: [LogRecord], into writer: inout ByteWriter) {
        writer.varint(records.count)
        var previous: LogRecord?
        for record in records {
            var flags: UInt8 = 0
            if record.timestamp != nil { flags |= LogFlag.timestamp }
            if record.traceID != nil { flags |= LogFlag.traceID }
            if record.spanID != nil { flags |= LogFlag.spanID }
            if let previous, previous.scope == record.scope {
                flags |= LogFlag.sameScope
            } else if hasDetails(record.scope) {
                flags |= LogFlag.scopeDetails
            }
            if let previous, previous.severity.text == record.severity.text { flags |= LogFlag.sameSeverityText }
            let recordDetails = record.droppedAttributesCount != 0 || !record.eventName.isEmpty
            if recordDetails { flags |= LogFlag.details }
            writer.u8(flags)
            if let timestamp = record.timestamp { writer.timestamp(timestamp) }
            writer.timestamp(record.observedTimestamp)
            writer.u8(record.severity.number)
            if flags & LogFlag.sameSeverityText == 0 { writer.string(record.severity.text) }
            writer.byteArray(record.body)
            attributes(record.attributes, into: &writer)
            if let traceID = record.traceID { writer.traceID(traceID) }
            if let spanID = record.spanID { writer.spanID(spanID) }
            writer.u8(record.flags)
            if flags & LogFlag.sameScope == 0 { scope(record.scope, into: &writer) }
            if recordDetails {
                writer.varint(UInt64(record.droppedAttributesCount))
                writer.string(record.eventName)
            }
            previous = record
        }
    }

    static func logs(_ reader: inout ByteReader) throws(BatchCodecError) -> [LogRecord] {
        let count = try reader.count("log record count")
        var records: [LogRecord] = []
        records.reserveCapacity(count)
        var scope = InstrumentationScope()
        var severityText = ""
        for index in 0..<count {
            let flags = try flags(&reader, "log record flags", allowed: LogFlag.all)
            let sameScope = flags & LogFlag.sameScope != 0
            if (index == 0 && flags & (LogFlag.sameScope | LogFlag.sameSeverityText) != 0)
                || (sameScope && flags & LogFlag.scopeDetails != 0)
            {
                throw .badTag(field: "log record flags", offset: reader.offset - 1, tag: flags)
            }
            let timestamp = flags & LogFlag.timestamp != 0 ? try reader.timestamp("log timestamp") : nil
            let observed = try reader.timestamp("log observed timestamp")
            let numberOffset = reader.offset
            let number = try reader.u8("severity number")
            guard number <= 24 else { throw .badTag(field: "severity number", offset: numberOffset, tag: number) }
            if flags & LogFlag.sameSeverityText == 0 { severityText = try reader.string("severity text") }
            let body = try reader.byteArray("log body")
            let attributes = try attributes(&reader, depth: 0)
            let traceID = flags & LogFlag.traceID != 0 ? try reader.traceID("log trace id") : nil
            let spanID = flags & LogFlag.spanID != 0 ? try reader.spanID("log span id") : nil
            let traceFlags = try reader.u8("log trace flags")
            if !sameScope { scope = try self.scope(&reader, details: flags & LogFlag.scopeDetails != 0) }
            var record = LogRecord(
                timestamp: timestamp, observedTimestamp: observed, severity: Severity(number: number, text: severityText),
                body: body, attributes: attributes, traceID: traceID, spanID: spanID, flags: traceFlags, scope: scope)
            if flags & LogFlag.details != 0 {
                record.droppedAttributesCount = try uint32(&reader, "log dropped attributes count")
                record.eventName = try reader.string("log event name")
            }
            records.append(record)
        }
        return records
    }
}
