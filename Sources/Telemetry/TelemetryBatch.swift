/// What moves through a pipeline: events of one signal that share one resource. Sources
/// hand batches (a read chunk of log lines, one collection, one OTLP request's resource
/// group), never single events, so every per-item cost is paid per batch.
public struct TelemetryBatch: Sendable, Hashable {
    public enum Payload: Sendable, Hashable {
        case logs([LogRecord])
        case metrics(MetricBatch)
        case spans([Span])
    }

    public var resource: Resource
    public var payload: Payload

    public init(resource: Resource = Resource(), payload: Payload) {
        self.resource = resource
        self.payload = payload
    }

    public static func logs(_ records: [LogRecord], resource: Resource = Resource()) -> TelemetryBatch {
        TelemetryBatch(resource: resource, payload: .logs(records))
    }

    public static func metrics(_ batch: MetricBatch, resource: Resource = Resource()) -> TelemetryBatch {
        TelemetryBatch(resource: resource, payload: .metrics(batch))
    }

    public static func spans(_ spans: [Span], resource: Resource = Resource()) -> TelemetryBatch {
        TelemetryBatch(resource: resource, payload: .spans(spans))
    }

    public var signal: Signal {
        switch payload {
        case .logs: .logs
        case .metrics: .metrics
        case .spans: .traces
        }
    }

    /// Events as limits and counters count them: log records, metric samples, spans.
    public var eventCount: Int {
        switch payload {
        case .logs(let records): records.count
        case .metrics(let batch): batch.families.reduce(0) { $0 + $1.samples.count }
        case .spans(let spans): spans.count
        }
    }

    public var isEmpty: Bool { eventCount == 0 }

    /// Roughly what the batch occupies in memory: the variable-length content plus a fixed
    /// overhead per event, measured (the record's own stride, its body's heap block, malloc's
    /// rounding) so that a memory buffer's cap is close to the memory it really holds.
    /// Buffers account in these bytes; it is computed once when a batch enters a buffer.
    /// (Strides when last measured: LogRecord 176 bytes, Span 216.)
    public var estimatedBytes: Int {
        var total = SizeEstimate.attributes(resource.attributes)
        switch payload {
        case .logs(let records):
            // Borrowed in place (no copy, no retain per record); shared attributes estimated once.
            records.withUnsafeBufferPointer { records in
                var shared: (identity: UnsafeRawPointer, size: Int)?
                for index in records.indices {
                    let attributes: Int
                    if let identity = records[index].attributes.storageIdentity {
                        if let shared, shared.identity == identity {
                            attributes = shared.size
                        } else {
                            attributes = SizeEstimate.attributes(records[index].attributes)
                            shared = (identity, attributes)
                        }
                    } else {
                        attributes = 0
                    }
                    total += 240 + records[index].body.count + records[index].severity.text.utf8.count
                        + records[index].eventName.utf8.count + attributes
                }
            }
        case .metrics(let batch):
            for family in batch.families {
                total += 32 + family.name.utf8.count + family.help.utf8.count
                for sample in family.samples {
                    total += 72
                    if let histogram = sample.histogram { total += 96 + 8 * (histogram.bounds.count + histogram.counts.count) }
                    for pair in sample.labels.pairs { total += 32 + pair.name.utf8.count + pair.value.utf8.count }
                    // Names are usually the labels' own strings, shared; an entry's stride is 24.
                    if !sample.labelTypes.isEmpty { total += 32 + 24 * sample.labelTypes.entries.count }
                }
            }
        case .spans(let spans):
            for span in spans {
                total += 352 + span.name.utf8.count + span.traceState.utf8.count + SizeEstimate.attributes(span.attributes)
                for event in span.events { total += 32 + event.name.utf8.count + SizeEstimate.attributes(event.attributes) }
                for link in span.links { total += 48 + link.traceState.utf8.count + SizeEstimate.attributes(link.attributes) }
            }
        }
        return total
    }

    /// Splits off the first `count` events (0 < count < eventCount) into their own batch
    /// with the same resource; `self` keeps the rest. Exporters split a source's batch that
    /// is larger than their own batch limit.
    public mutating func removeFirst(_ count: Int) -> TelemetryBatch {
        precondition(count > 0 && count < eventCount, "split point \(count) outside 1..<\(eventCount)")
        switch payload {
        case .logs(let records):
            payload = .logs(Array(records[count...]))
            return TelemetryBatch(resource: resource, payload: .logs(Array(records[..<count])))
        case .spans(let spans):
            payload = .spans(Array(spans[count...]))
            return TelemetryBatch(resource: resource, payload: .spans(Array(spans[..<count])))
        case .metrics(let batch):
            var (head, tail) = (batch, batch)
            head.families = []
            tail.families = []
            var remaining = count
            for family in batch.families {
                if remaining >= family.samples.count {
                    head.families.append(family)
                    remaining -= family.samples.count
                } else if remaining > 0 {
                    var first = family
                    first.samples = Array(family.samples[..<remaining])
                    var rest = family
                    rest.samples = Array(family.samples[remaining...])
                    head.families.append(first)
                    tail.families.append(rest)
                    remaining = 0
                } else {
                    tail.families.append(family)
                }
            }
            payload = .metrics(tail)
            return TelemetryBatch(resource: resource, payload: .metrics(head))
        }
    }
}

enum SizeEstimate {
    static func attributes(_ attributes: Attributes) -> Int {
        attributes.isEmpty ? 0 : attributes.pairs.reduce(32) { $0 + 48 + $1.key.utf8.count + value($1.value) }
    }

    static func value(_ value: AttributeValue) -> Int {
        switch value {
        case .string(let text): text.utf8.count
        case .bytes(let bytes): bytes.count
        case .bool, .int, .double: 8
        case .array(let values): values.reduce(8) { $0 + Self.value($1) }
        case .map(let nested): 8 + attributes(nested)
        }
    }
}
