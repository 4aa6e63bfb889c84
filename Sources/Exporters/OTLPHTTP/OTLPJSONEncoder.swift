import OTLP
import Telemetry

/// One signal's batches as an OTLP `Export*ServiceRequest` in the OTLP/JSON mapping
/// (`application/json`): lowerCamelCase keys, trace and span ids as lowercase hex (OTLP's
/// exception to proto3 JSON's base64), enums as integers, 64-bit integers as decimal
/// strings. Written straight into bytes with the same pieces as the `http` exporter's span
/// lines (`SpanJSON`, `OTLPJSONAttributes`, `JSONString`), grouped as the protobuf request
/// is (`OTLPGrouping`). Metric samples OTLP cannot carry are left out and reported by
/// `encodeBody` (`OTLPBody`).
public struct OTLPJSONEncoder: BatchEncoder {
    public let signal: Signal

    public init(signal: Signal) {
        self.signal = signal
    }

    public var contentType: String { OTLPEncoding.json.contentType }

    public func encode(_ batches: [TelemetryBatch]) throws(EncodingFailure) -> [UInt8] {
        try encodeBody(batches).bytes
    }

    public func encodeBody(_ batches: [TelemetryBatch]) throws(EncodingFailure) -> EncodedBody {
        try OTLPBody.encode(signal, batches) { batches in write(batches) }
    }

    private func write(_ batches: [TelemetryBatch]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(JSONCapacity.estimate(batches))
        switch signal {
        case .logs:
            OTLPJSONRequest.append(OTLPGrouping.logs(batches), keys: .logs, to: &out) { record, out in
                OTLPJSONLogRecord.append(record, to: &out)
            }
        case .metrics:
            OTLPJSONRequest.append(OTLPGrouping.metrics(batches), keys: .metrics, to: &out) { timed, out in
                OTLPJSONMetric.append(timed.family, batchTimestamp: timed.batchTimestamp, to: &out)
            }
        case .traces:
            OTLPJSONRequest.append(OTLPGrouping.spans(batches), keys: .spans, to: &out) { span, out in
                SpanJSON.append(span, to: &out)
            }
        }
        return out
    }
}

/// The envelope: `{"resourceLogs":[{"resource":{…},"scopeLogs":[{"scope":{…},"logRecords":[…]}]}]}`
/// and its metric and span equivalents.
enum OTLPJSONRequest {
    struct Keys {
        var resources: StaticString
        var scopes: StaticString
        var items: StaticString

        static let logs = Keys(resources: "{\"resourceLogs\":[", scopes: ",\"scopeLogs\":[", items: "\"logRecords\":[")
        static let metrics = Keys(resources: "{\"resourceMetrics\":[", scopes: ",\"scopeMetrics\":[", items: "\"metrics\":[")
        static let spans = Keys(resources: "{\"resourceSpans\":[", scopes: ",\"scopeSpans\":[", items: "\"spans\":[")
    }

    static func append<Item>(
        _ groups: [OTLPResourceGroup<Item>], keys: Keys, to out: inout [UInt8], item: (Item, inout [UInt8]) -> Void
    ) {
        out.appendLiteral(keys.resources)
        for (resourceIndex, group) in groups.enumerated() {
            if resourceIndex > 0 { out.append(UInt8(ascii: ",")) }
            out.appendLiteral("{\"resource\":")
            out.append(contentsOf: SpanJSON.encodeResource(group.resource))
            out.appendLiteral(keys.scopes)
            for (scopeIndex, scopeGroup) in group.scopes.enumerated() {
                if scopeIndex > 0 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "{"))
                let scope = scopeGroup.scope
                // An empty scope is left out, as in the protobuf request.
                if !scope.name.isEmpty || !scope.version.isEmpty || !scope.attributes.isEmpty {
                    out.appendLiteral("\"scope\":{\"name\":")
                    JSONString.append(scope.name, to: &out)
                    out.appendLiteral(",\"version\":")
                    JSONString.append(scope.version, to: &out)
                    if !scope.attributes.isEmpty {
                        out.appendLiteral(",\"attributes\":")
                        OTLPJSONAttributes.appendList(scope.attributes, to: &out)
                    }
                    out.appendLiteral("},")
                }
                out.appendLiteral(keys.items)
                for (itemIndex, element) in scopeGroup.items.enumerated() {
                    if itemIndex > 0 { out.append(UInt8(ascii: ",")) }
                    item(element, &out)
                }
                out.append(UInt8(ascii: "]"))
                appendSchemaURL(scope.schemaURL, to: &out)
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "]"))
            appendSchemaURL(group.resource.schemaURL, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.appendLiteral("]}")
    }

    /// `,"schemaUrl":…` of a `Resource*` or `Scope*` entry, left out when empty.
    private static func appendSchemaURL(_ url: String, to out: inout [UInt8]) {
        guard !url.isEmpty else { return }
        out.appendLiteral(",\"schemaUrl\":")
        JSONString.append(url, to: &out)
    }
}
