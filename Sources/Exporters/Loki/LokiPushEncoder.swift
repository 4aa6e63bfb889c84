import Telemetry

/// Loki's push API body (`POST /loki/api/v1/push`, JSON):
/// `{"streams":[{"stream":{"label":"value",…},"values":[["<unix ns>","<line>",{metadata}],…]},…]}`.
///
/// Records of all batches of one delivery are grouped into streams by the configured labels
/// (`LokiStreams`), each stream's entries in time order. The line is the record's body as
/// read (invalid UTF-8 replaced, as everywhere), the time its own or else when it was
/// observed. The third element, structured metadata, is written only when the record has
/// some: `trace_id`, `span_id` (lowercase hex, unless `traceContext` is off) and the
/// configured attributes.
public struct LokiPushEncoder: BatchEncoder {
    public let options: LokiOptions
    /// `options.labels` with sanitized names, sorted by name, first of equal names kept.
    let labels: [(name: String, source: LokiOptions.LabelSource)]
    /// `options.structuredMetadata`: attribute key and the name it is sent under.
    let metadata: [(key: String, name: String)]

    public init(options: LokiOptions = LokiOptions()) {
        self.options = options
        var labels: [(name: String, source: LokiOptions.LabelSource)] = []
        for (name, source) in options.labels.sorted(by: { $0.key < $1.key }) {
            let sanitized = PrometheusName.label(name)
            if sanitized.isEmpty || labels.contains(where: { $0.name == sanitized }) { continue }
            labels.append((sanitized, source))
        }
        self.labels = labels.sorted { $0.name < $1.name }
        var metadata: [(key: String, name: String)] = []
        for key in options.structuredMetadata {
            let name = PrometheusName.label(key)
            if name.isEmpty || name == "trace_id" || name == "span_id" || metadata.contains(where: { $0.name == name }) { continue }
            metadata.append((key, name))
        }
        self.metadata = metadata
    }

    public var contentType: String { "application/json" }

    public func encode(_ batches: [TelemetryBatch]) throws(EncodingFailure) -> [UInt8] {
        var streams = LokiStreams(labels: labels)
        var records: [[LogRecord]] = []
        var resources: [Resource] = []
        records.reserveCapacity(batches.count)
        resources.reserveCapacity(batches.count)
        var capacity = 16
        for batch in batches {
            guard case .logs(let logs) = batch.payload else {
                throw EncodingFailure("loki carries logs only, got \(batch.signal)")
            }
            guard batches.count <= Int(Int32.max), logs.count <= Int(Int32.max) else {
                throw EncodingFailure("\(logs.count) records in one batch is more than a push request can hold")
            }
            streams.add(logs, resource: batch.resource, batch: Int32(records.count))
            records.append(logs)
            resources.append(batch.resource)
            for record in logs { capacity += record.body.count + 48 }
        }
        streams.sortEntries()
        var out: [UInt8] = []
        out.reserveCapacity(capacity)
        out.appendLiteral("{\"streams\":[")
        for (index, stream) in streams.streams.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.appendLiteral("{\"stream\":{")
            for (labelIndex, label) in stream.labels.enumerated() {
                if labelIndex > 0 { out.append(UInt8(ascii: ",")) }
                JSONString.append(label.name, to: &out)
                out.append(UInt8(ascii: ":"))
                JSONString.append(label.value, to: &out)
            }
            out.appendLiteral("},\"values\":[")
            for (entryIndex, entry) in stream.entries.enumerated() {
                if entryIndex > 0 { out.append(UInt8(ascii: ",")) }
                let batch = Int(entry.batch)
                appendValue(records[batch][Int(entry.record)], resource: resources[batch], nanoseconds: entry.nanoseconds, to: &out)
            }
            out.appendLiteral("]}")
        }
        out.appendLiteral("]}")
        return out
    }

    private func appendValue(_ record: LogRecord, resource: Resource, nanoseconds: Int64, to out: inout [UInt8]) {
        out.appendLiteral("[\"")
        DecimalDigits.append(UInt64(nanoseconds), to: &out)
        out.appendLiteral("\",")
        JSONString.append(record.body, to: &out)
        var opened = false
        // The metadata object is the entry's third element, opened by its first field.
        func field(_ name: String) {
            if opened {
                out.append(UInt8(ascii: ","))
            } else {
                out.appendLiteral(",{")
                opened = true
            }
            JSONString.append(name, to: &out)
            out.append(UInt8(ascii: ":"))
        }
        if options.traceContext {
            if let traceID = record.traceID, traceID.isValid {
                field("trace_id")
                HexDigit.appendQuoted(traceID, to: &out)
            }
            if let spanID = record.spanID, spanID.isValid {
                field("span_id")
                HexDigit.appendQuoted(spanID, to: &out)
            }
        }
        for entry in metadata {
            guard let value = record.attributes[entry.key] ?? resource.attributes[entry.key] else { continue }
            field(entry.name)
            Self.appendText(value, to: &out)
        }
        if opened { out.append(UInt8(ascii: "}")) }
        out.append(UInt8(ascii: "]"))
    }

    /// Structured metadata values are strings: numbers and booleans as their text, bytes as
    /// base64, arrays and maps as their JSON text.
    static func appendText(_ value: AttributeValue, to out: inout [UInt8]) {
        switch value {
        case .string(let text):
            JSONString.append(text, to: &out)
        case .bool(let flag):
            flag ? out.appendLiteral("\"true\"") : out.appendLiteral("\"false\"")
        case .int(let number):
            out.append(UInt8(ascii: "\""))
            JSONNumber.append(number, to: &out)
            out.append(UInt8(ascii: "\""))
        case .double(let number) where !number.isFinite:
            // JSONNumber spells these as quoted strings already.
            JSONNumber.append(number, nonFinite: .prometheus, to: &out)
        case .double(let number):
            out.append(UInt8(ascii: "\""))
            JSONNumber.append(number, nonFinite: .prometheus, to: &out)
            out.append(UInt8(ascii: "\""))
        case .bytes(let bytes):
            Base64.appendQuoted(bytes, to: &out)
        case .array, .map:
            var json: [UInt8] = []
            JSONAttributes.appendValue(value, to: &json)
            JSONString.append(json, to: &out)
        }
    }
}
