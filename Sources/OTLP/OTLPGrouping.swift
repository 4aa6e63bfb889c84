import Telemetry

/// Items of one instrumentation scope: OTLP's `Scope{Logs,Spans,Metrics}`.
public struct OTLPScopeGroup<Item: Sendable>: Sendable {
    public var scope: InstrumentationScope
    public var items: [Item]
}

/// Items of one resource, by scope: OTLP's `Resource{Logs,Spans,Metrics}`.
public struct OTLPResourceGroup<Item: Sendable>: Sendable {
    public var resource: Resource
    public var scopes: [OTLPScopeGroup<Item>]
}

/// A metric family with the time its samples were taken at unless they say otherwise
/// (its batch's timestamp).
public struct OTLPTimedFamily: Sendable {
    public var family: MetricFamily
    public var batchTimestamp: Timestamp
}

/// How a delivery batch becomes one OTLP request: batches with an equal resource share one
/// resource entry, and within it items are grouped by instrumentation scope, each group in
/// the order its first item came. Both the protobuf conversion and the OTLP/JSON writer
/// group this way. Batches of other signals, and batches without items, add nothing.
public enum OTLPGrouping {
    public static func logs(_ batches: [TelemetryBatch]) -> [OTLPResourceGroup<LogRecord>] {
        group(batches) { batch, add in
            guard case .logs(let records) = batch.payload else { return }
            for record in records { add(record.scope, record) }
        }
    }

    public static func spans(_ batches: [TelemetryBatch]) -> [OTLPResourceGroup<Span>] {
        group(batches) { batch, add in
            guard case .spans(let spans) = batch.payload else { return }
            for span in spans { add(span.scope, span) }
        }
    }

    public static func metrics(_ batches: [TelemetryBatch]) -> [OTLPResourceGroup<OTLPTimedFamily>] {
        group(batches) { batch, add in
            guard case .metrics(let metrics) = batch.payload else { return }
            for family in metrics.families {
                add(family.scope, OTLPTimedFamily(family: family, batchTimestamp: metrics.timestamp))
            }
        }
    }

    private static func group<Item: Sendable>(
        _ batches: [TelemetryBatch],
        _ items: (TelemetryBatch, _ add: (InstrumentationScope, Item) -> Void) -> Void
    ) -> [OTLPResourceGroup<Item>] {
        var groups: [OTLPResourceGroup<Item>] = []
        var resourceIndex: [Resource: Int] = [:]
        var scopeIndexes: [[InstrumentationScope: Int]] = []
        for batch in batches where !batch.isEmpty {
            let resource: Int
            if let index = resourceIndex[batch.resource] {
                resource = index
            } else {
                resource = groups.count
                resourceIndex[batch.resource] = resource
                groups.append(OTLPResourceGroup(resource: batch.resource, scopes: []))
                scopeIndexes.append([:])
            }
            // Consecutive items nearly always share a scope: compare with the last one
            // before hashing.
            var last: (scope: InstrumentationScope, index: Int)?
            items(batch) { scope, item in
                let index: Int
                if let last, last.scope == scope {
                    index = last.index
                } else if let known = scopeIndexes[resource][scope] {
                    index = known
                } else {
                    index = groups[resource].scopes.count
                    scopeIndexes[resource][scope] = index
                    groups[resource].scopes.append(OTLPScopeGroup(scope: scope, items: []))
                }
                last = (scope, index)
                groups[resource].scopes[index].items.append(item)
            }
        }
        return groups
    }
}
