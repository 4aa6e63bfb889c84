import Telemetry

/// The frame every OTLP export request shares, written as bytes: the
/// `Resource{Spans,Logs,Metrics}` and `Scope{Spans,Logs,Metrics}` messages around the items,
/// grouped as `OTLPGrouping` groups them, with the fields `OTLP{Spans,Logs}.request` sets;
/// and trace and span ids as OTLP's `bytes`.
enum OTLPRequestWriter {
    /// Field 1 of every `Resource{Spans,Logs,Metrics}`: the `Resource`, always present.
    static func appendResource(_ resource: Resource, to out: inout [UInt8]) {
        // A pod's resource (service, k8s names) is a few hundred bytes.
        ProtobufWriter.appendMessageField(1, lengthGuess: 2, to: &out) { out in
            OTLPAttributesWriter.append(resource.attributes, field: 1, to: &out)
        }
    }

    /// Field 1 of every `Scope{Spans,Logs,Metrics}`: the `InstrumentationScope`, left out when
    /// it has nothing to say (`InstrumentationScope.isEmpty`).
    static func appendScope(_ scope: InstrumentationScope, to out: inout [UInt8]) {
        guard !scope.isEmpty else { return }
        ProtobufWriter.appendMessageField(1, lengthGuess: 1, to: &out) { out in
            if !scope.name.isEmpty { ProtobufWriter.appendStringField(1, scope.name, to: &out) }
            if !scope.version.isEmpty { ProtobufWriter.appendStringField(2, scope.version, to: &out) }
            OTLPAttributesWriter.append(scope.attributes, field: 3, to: &out)
        }
    }

    /// The `Resource{Spans,Logs,Metrics}` messages of a request (its field 1), each with its
    /// resource, its `Scope*` messages (field 2, each with scope, items in field 2 and schema
    /// URL) and its schema URL (field 3). `item` writes one item's message.
    static func appendResourceGroups<Item>(
        _ groups: [OTLPResourceGroup<Item>], itemLengthGuess: Int, to out: inout [UInt8],
        item: (Item, inout [UInt8]) -> Void
    ) {
        for group in groups {
            ProtobufWriter.appendMessageField(1, lengthGuess: 3, to: &out) { out in
                appendResource(group.resource, to: &out)
                for scopeGroup in group.scopes {
                    ProtobufWriter.appendMessageField(2, lengthGuess: 3, to: &out) { out in
                        appendScope(scopeGroup.scope, to: &out)
                        for element in scopeGroup.items {
                            ProtobufWriter.appendMessageField(2, lengthGuess: itemLengthGuess, to: &out) { out in
                                item(element, &out)
                            }
                        }
                        if !scopeGroup.scope.schemaURL.isEmpty {
                            ProtobufWriter.appendStringField(3, scopeGroup.scope.schemaURL, to: &out)
                        }
                    }
                }
                if !group.resource.schemaURL.isEmpty { ProtobufWriter.appendStringField(3, group.resource.schemaURL, to: &out) }
            }
        }
    }

    /// A trace id's 16 big-endian bytes, as `TraceID.otlpBytes` has them.
    @inline(__always)
    static func appendTraceID(_ field: UInt64, _ id: TraceID, to out: inout [UInt8]) {
        ProtobufWriter.appendTag(field, .lengthDelimited, to: &out)
        out.append(16)
        withUnsafeBytes(of: (id.high.bigEndian, id.low.bigEndian)) { out.append(contentsOf: $0) }
    }

    /// A span id's 8 big-endian bytes, as `SpanID.otlpBytes` has them.
    @inline(__always)
    static func appendSpanID(_ field: UInt64, _ id: SpanID, to out: inout [UInt8]) {
        ProtobufWriter.appendTag(field, .lengthDelimited, to: &out)
        out.append(8)
        withUnsafeBytes(of: id.value.bigEndian) { out.append(contentsOf: $0) }
    }
}
