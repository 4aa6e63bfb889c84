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

/// Consecutive items of one batch that share a scope: the batch's index in the batches
/// grouped, and the items' range in its payload (log records, spans, or metric families).
public struct OTLPItemRun: Sendable, Hashable {
    public var batch: Int
    public var items: Range<Int>
}

/// How a delivery batch becomes one OTLP request: batches with an equal resource share one
/// resource entry, and within it items are grouped by instrumentation scope, each group in
/// the order its first item came. Both protobuf writers and the OTLP/JSON writer group this
/// way. Batches without items add nothing; a batch of another signal adds its resource
/// with no scopes.
///
/// The grouping itself works on runs of items (`OTLPItemRun`), not on copies of them:
/// copying a span or a log record into its group retains every string and array in it,
/// which cost a direct writer as much as writing the span. Writers that read items where
/// they are take the runs (`spanRuns`, `logRuns`); `spans`, `logs` and `metrics` give the
/// items themselves, grouped the same way.
public enum OTLPGrouping {
    public static func logs(_ batches: [TelemetryBatch]) -> [OTLPResourceGroup<LogRecord>] {
        items(logRuns(batches)) { run in
            guard case .logs(let records) = batches[run.batch].payload else { return [] }
            return records[run.items]
        }
    }

    public static func spans(_ batches: [TelemetryBatch]) -> [OTLPResourceGroup<Span>] {
        items(spanRuns(batches)) { run in
            guard case .spans(let spans) = batches[run.batch].payload else { return [] }
            return spans[run.items]
        }
    }

    public static func metrics(_ batches: [TelemetryBatch]) -> [OTLPResourceGroup<OTLPTimedFamily>] {
        items(metricRuns(batches)) { run in
            guard case .metrics(let metrics) = batches[run.batch].payload else { return [] }
            return metrics.families[run.items].map { OTLPTimedFamily(family: $0, batchTimestamp: metrics.timestamp) }[...]
        }
    }

    public static func logRuns(_ batches: [TelemetryBatch]) -> [OTLPResourceGroup<OTLPItemRun>] {
        group(batches) { batch, add in
            guard case .logs(let records) = batch.payload else { return }
            records.withUnsafeBufferPointer { records in
                runs(count: records.count, sameScope: { records[$0].scope == records[$1].scope }) { add(records[$0.lowerBound].scope, $0) }
            }
        }
    }

    public static func spanRuns(_ batches: [TelemetryBatch]) -> [OTLPResourceGroup<OTLPItemRun>] {
        group(batches) { batch, add in
            guard case .spans(let spans) = batch.payload else { return }
            spans.withUnsafeBufferPointer { spans in
                runs(count: spans.count, sameScope: { spans[$0].scope == spans[$1].scope }) { add(spans[$0.lowerBound].scope, $0) }
            }
        }
    }

    public static func metricRuns(_ batches: [TelemetryBatch]) -> [OTLPResourceGroup<OTLPItemRun>] {
        group(batches) { batch, add in
            guard case .metrics(let metrics) = batch.payload else { return }
            metrics.families.withUnsafeBufferPointer { families in
                runs(count: families.count, sameScope: { families[$0].scope == families[$1].scope }) {
                    add(families[$0.lowerBound].scope, $0)
                }
            }
        }
    }

    /// Splits `0..<count` where the scope changes; items are compared where they are.
    private static func runs(count: Int, sameScope: (Int, Int) -> Bool, _ run: (Range<Int>) -> Void) {
        var start = 0
        for index in 0..<count where index > start && !sameScope(start, index) {
            run(start..<index)
            start = index
        }
        if start < count { run(start..<count) }
    }

    private static func group(
        _ batches: [TelemetryBatch], _ runs: (TelemetryBatch, _ add: (InstrumentationScope, Range<Int>) -> Void) -> Void
    ) -> [OTLPResourceGroup<OTLPItemRun>] {
        var groups: [OTLPResourceGroup<OTLPItemRun>] = []
        var resourceIndex: [Resource: Int] = [:]
        var scopeIndexes: [[InstrumentationScope: Int]] = []
        for (batchIndex, batch) in batches.enumerated() where !batch.isEmpty {
            let resource: Int
            if let index = resourceIndex[batch.resource] {
                resource = index
            } else {
                resource = groups.count
                resourceIndex[batch.resource] = resource
                groups.append(OTLPResourceGroup(resource: batch.resource, scopes: []))
                scopeIndexes.append([:])
            }
            runs(batch) { scope, items in
                let index: Int
                if let known = scopeIndexes[resource][scope] {
                    index = known
                } else {
                    index = groups[resource].scopes.count
                    scopeIndexes[resource][scope] = index
                    groups[resource].scopes.append(OTLPScopeGroup(scope: scope, items: []))
                }
                groups[resource].scopes[index].items.append(OTLPItemRun(batch: batchIndex, items: items))
            }
        }
        return groups
    }

    /// The runs' items, in the runs' order.
    private static func items<Item: Sendable>(
        _ groups: [OTLPResourceGroup<OTLPItemRun>], _ items: (OTLPItemRun) -> ArraySlice<Item>
    ) -> [OTLPResourceGroup<Item>] {
        groups.map { group in
            OTLPResourceGroup(resource: group.resource, scopes: group.scopes.map { scope in
                // One run (the usual case) that covers its whole batch shares the batch's storage.
                if scope.items.count == 1 { return OTLPScopeGroup(scope: scope.scope, items: Array(items(scope.items[0]))) }
                var all: [Item] = []
                for run in scope.items { all.append(contentsOf: items(run)) }
                return OTLPScopeGroup(scope: scope.scope, items: all)
            })
        }
    }
}
