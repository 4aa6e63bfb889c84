import Telemetry

/// The frame every OTLP export request shares, written as bytes: the
/// `Resource{Spans,Logs,Metrics}` and `Scope{Spans,Logs,Metrics}` messages around the items,
/// grouped as `OTLPGrouping` groups them (runs of items, read where they are), with the
/// fields the `request` conversions set; and trace and span ids as OTLP's `bytes`.
enum OTLPRequestWriter {
    /// The request's bytes: its `Resource*` messages (field 1), each with its resource, its
    /// `Scope*` messages (field 2: scope, items in field 2, schema URL) and its schema URL
    /// (field 3). `items` writes the items of one run, each as field 2.
    static func request(
        _ groups: [OTLPResourceGroup<OTLPItemRun>], capacity: Int, items: (OTLPItemRun, inout ProtobufWriter) -> Void
    ) -> [UInt8] {
        var out = ProtobufWriter(capacity: capacity)
        for group in groups {
            out.appendMessageField(1, lengthGuess: 3) { out in
                appendResource(group.resource, to: &out)
                for scopeGroup in group.scopes {
                    out.appendMessageField(2, lengthGuess: 3) { out in
                        appendScope(scopeGroup.scope, to: &out)
                        for run in scopeGroup.items { items(run, &out) }
                        if !scopeGroup.scope.schemaURL.isEmpty { out.appendStringField(3, scopeGroup.scope.schemaURL) }
                    }
                }
                if !group.resource.schemaURL.isEmpty { out.appendStringField(3, group.resource.schemaURL) }
            }
        }
        return out.bytes()
    }

    /// Field 1 of every `Resource{Spans,Logs,Metrics}`: the `Resource`, always present.
    static func appendResource(_ resource: Resource, to out: inout ProtobufWriter) {
        // A pod's resource (service, k8s names) is a few hundred bytes.
        out.appendMessageField(1, lengthGuess: 2) { out in
            OTLPAttributesWriter.append(resource.attributes, field: 1, to: &out)
        }
    }

    /// Field 1 of every `Scope{Spans,Logs,Metrics}`: the `InstrumentationScope`, left out when
    /// it has nothing to say (`InstrumentationScope.isEmpty`).
    static func appendScope(_ scope: InstrumentationScope, to out: inout ProtobufWriter) {
        guard !scope.isEmpty else { return }
        out.appendMessageField(1) { out in
            if !scope.name.isEmpty { out.appendStringField(1, scope.name) }
            if !scope.version.isEmpty { out.appendStringField(2, scope.version) }
            OTLPAttributesWriter.append(scope.attributes, field: 3, to: &out)
        }
    }

    /// A trace id's 16 big-endian bytes, as `TraceID.otlpBytes` has them.
    @inline(__always)
    static func appendTraceID(_ field: UInt64, _ id: TraceID, to out: inout ProtobufWriter) {
        out.appendTag(field, .lengthDelimited)
        out.appendVarint(16)
        withUnsafeBytes(of: (id.high.bigEndian, id.low.bigEndian)) { out.appendRaw($0) }
    }

    /// A span id's 8 big-endian bytes, as `SpanID.otlpBytes` has them.
    @inline(__always)
    static func appendSpanID(_ field: UInt64, _ id: SpanID, to out: inout ProtobufWriter) {
        out.appendTag(field, .lengthDelimited)
        out.appendVarint(8)
        withUnsafeBytes(of: id.value.bigEndian) { out.appendRaw($0) }
    }
}
