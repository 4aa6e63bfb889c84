#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Telemetry

/// Log records ⇄ OTLP `ExportLogsServiceRequest`.
///
/// The body is bytes in the model and an `AnyValue` on the wire: a string when the bytes
/// are valid UTF-8 (what every backend displays), bytes otherwise, so nothing is replaced
/// or lost; an empty body is no body. Read back, a string or bytes body is its bytes and
/// any other value its text (`OTLPValueText`). Trace flags are the low 8 bits of `flags`
/// (the rest is reserved). An id that is all zero is no id. Event names, dropped counts,
/// scope attributes and schema URLs are carried as sent.
public enum OTLPLogs {
    /// The request as swift-protobuf messages: the exporter writes its bytes directly
    /// (`serialize`, OTLP/Wire), and this tree is what those bytes are tested against.
    public static func request(_ batches: [TelemetryBatch]) -> OTLPLogsRequest {
        var request = OTLPLogsRequest()
        request.resourceLogs = OTLPGrouping.logs(batches).map { group in
            var resourceLogs = Opentelemetry_Proto_Logs_V1_ResourceLogs()
            resourceLogs.resource = group.resource.otlpMessage
            resourceLogs.schemaURL = group.resource.schemaURL
            resourceLogs.scopeLogs = group.scopes.map { scopeGroup in
                var scopeLogs = Opentelemetry_Proto_Logs_V1_ScopeLogs()
                if !scopeGroup.scope.isEmpty { scopeLogs.scope = scopeGroup.scope.otlpMessage }
                scopeLogs.schemaURL = scopeGroup.scope.schemaURL
                scopeLogs.logRecords = scopeGroup.items.map(message)
                return scopeLogs
            }
            return resourceLogs
        }
        return request
    }

    static func message(_ record: LogRecord) -> ProtoLogRecord {
        var message = ProtoLogRecord()
        message.timeUnixNano = record.timestamp?.unixNano ?? 0
        message.observedTimeUnixNano = record.observedTimestamp.unixNano
        message.severityNumber = .init(rawValue: Int(record.severity.number)) ?? .unspecified
        message.severityText = record.severity.text
        if !record.body.isEmpty {
            var body = ProtoAnyValue()
            if let text = String(validating: record.body, as: UTF8.self) {
                body.value = .stringValue(text)
            } else {
                body.value = .bytesValue(Data(record.body))
            }
            message.body = body
        }
        message.attributes = OTLPAttributes.keyValues(record.attributes)
        message.droppedAttributesCount = record.droppedAttributesCount
        message.flags = UInt32(record.flags)
        message.traceID = OTLPOptionalID.bytes(record.traceID)
        message.spanID = OTLPOptionalID.bytes(record.spanID)
        message.eventName = record.eventName
        return message
    }

    /// - Parameter receivedAt: the observed time of records that carry none.
    public static func batches(from request: OTLPLogsRequest, receivedAt: Timestamp) -> OTLPDecoded {
        var partial = OTLPPartialSuccess()
        var batches: [TelemetryBatch] = []
        for resourceLogs in request.resourceLogs {
            let resource = Resource(otlp: resourceLogs.resource, schemaURL: resourceLogs.schemaURL, notes: &partial)
            var records: [LogRecord] = []
            for scopeLogs in resourceLogs.scopeLogs {
                let scope = InstrumentationScope(otlp: scopeLogs.scope, schemaURL: scopeLogs.schemaURL, notes: &partial)
                records.reserveCapacity(records.count + scopeLogs.logRecords.count)
                for message in scopeLogs.logRecords {
                    do throws(OTLPOptionalID.WrongLength) {
                        records.append(try record(message, scope: scope, receivedAt: receivedAt, notes: &partial))
                    } catch {
                        partial.reject(1, "log record: \(error.description)")
                    }
                }
            }
            if !records.isEmpty { batches.append(.logs(records, resource: resource)) }
        }
        return OTLPDecoded(batches: batches, partialSuccess: partial)
    }

    static func record(
        _ message: ProtoLogRecord, scope: InstrumentationScope, receivedAt: Timestamp, notes: inout OTLPPartialSuccess
    ) throws(OTLPOptionalID.WrongLength) -> LogRecord {
        let traceID = try OTLPOptionalID.trace(message.traceID, field: "trace_id")
        let spanID = try OTLPOptionalID.span(message.spanID, field: "span_id")
        let number = message.severityNumber.rawValue
        var body: [UInt8] = []
        if message.hasBody {
            switch message.body.value {
            case .stringValue(let text): body = Array(text.utf8)
            case .bytesValue(let data): body = [UInt8](data)
            default: body = Array(OTLPValueText.text(message.body).utf8)
            }
        }
        return LogRecord(
            timestamp: message.timeUnixNano == 0 ? nil : Timestamp(unixNano: message.timeUnixNano),
            observedTimestamp: message.observedTimeUnixNano == 0 ? receivedAt : Timestamp(unixNano: message.observedTimeUnixNano),
            severity: Severity(number: (0...24).contains(number) ? UInt8(number) : 0, text: message.severityText),
            body: body,
            attributes: OTLPAttributes.attributes(message.attributes, owner: "log record", notes: &notes),
            traceID: traceID, spanID: spanID, flags: UInt8(truncatingIfNeeded: message.flags), scope: scope,
            eventName: message.eventName, droppedAttributesCount: message.droppedAttributesCount)
    }
}
