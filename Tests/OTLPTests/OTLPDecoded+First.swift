import OTLP
import Telemetry

/// The tests check one resource's conversion at a time: the first batch's items, nil when
/// there is no batch or it holds another signal, for `try #require` to fail the test on.
extension OTLPDecoded {
    var firstLogs: [LogRecord]? {
        guard case .logs(let records)? = batches.first?.payload else { return nil }
        return records
    }

    var firstSpans: [Span]? {
        guard case .spans(let spans)? = batches.first?.payload else { return nil }
        return spans
    }

    var firstMetrics: MetricBatch? {
        guard case .metrics(let batch)? = batches.first?.payload else { return nil }
        return batch
    }
}
