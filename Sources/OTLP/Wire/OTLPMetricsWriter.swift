import Telemetry

extension OTLPMetrics {
    /// The `ExportMetricsServiceRequest` for `batches` in protobuf bytes, written directly:
    /// byte for byte what `request(batches).serializedBytes()` gives, without building the
    /// message tree (a message per point and per attribute).
    public static func serialize(_ batches: [TelemetryBatch]) -> [UInt8] {
        var capacity = 64
        for batch in batches {
            guard case .metrics(let metrics) = batch.payload else { continue }
            for family in metrics.families {
                capacity += 64 + family.name.utf8.count + family.help.utf8.count + family.samples.count * 96
            }
        }
        return OTLPRequestWriter.request(OTLPGrouping.metricRuns(batches), capacity: capacity) { run, out in
            guard case .metrics(let metrics) = batches[run.batch].payload else { return }
            for index in run.items {
                // ScopeMetrics 2: a metric; a family of many points runs to tens of KiB.
                out.appendMessageField(2, lengthGuess: 3) { out in
                    appendMetric(metrics.families[index], batchTimestamp: metrics.timestamp, to: &out)
                }
            }
        }
    }

    /// The fields of one `Metric`, in field-number order, as `message(_:batchTimestamp:)` sets
    /// them: 1 name, 2 description, 3 unit, then the data (5 gauge, 7 sum, 9 histogram).
    static func appendMetric(_ family: MetricFamily, batchTimestamp: Timestamp, to out: inout ProtobufWriter) {
        if !family.name.isEmpty { out.appendStringField(1, family.name) }
        if !family.help.isEmpty { out.appendStringField(2, family.help) }
        if !family.unit.isEmpty { out.appendStringField(3, family.unit) }
        switch family.kind {
        case .gauge:
            // Gauge: 1 data points.
            out.appendMessageField(5, lengthGuess: 3) { out in
                for sample in family.samples { appendNumberPoint(sample, batchTimestamp: batchTimestamp, to: &out) }
            }
        case .counter, .upDownCounter:
            // Sum: 1 data points, 2 temporality (CUMULATIVE = 2), 3 is_monotonic.
            out.appendMessageField(7, lengthGuess: 3) { out in
                for sample in family.samples { appendNumberPoint(sample, batchTimestamp: batchTimestamp, to: &out) }
                out.appendVarintField(2, 2)
                if family.kind == .counter { out.appendVarintField(3, 1) }
            }
        case .histogram:
            // Histogram: 1 data points, 2 temporality (CUMULATIVE = 2).
            out.appendMessageField(9, lengthGuess: 3) { out in
                for sample in family.samples {
                    guard let histogram = sample.histogram else { continue }
                    appendHistogramPoint(sample, histogram, batchTimestamp: batchTimestamp, to: &out)
                }
                out.appendVarintField(2, 2)
            }
        }
    }

    /// A `NumberDataPoint` in field 1: 2 start time, 3 time, 4 as_double or 6 as_int (a oneof
    /// member, written even when zero), 7 attributes.
    static func appendNumberPoint(_ sample: MetricSample, batchTimestamp: Timestamp, to out: inout ProtobufWriter) {
        out.appendMessageField(1) { out in
            appendTimes(sample, batchTimestamp: batchTimestamp, to: &out)
            switch sample.number {
            case .double(let value): out.appendDoubleField(4, value)
            case .int(let value): out.appendFixed64Field(6, UInt64(bitPattern: value))
            }
            sample.forEachAttribute { name, value in OTLPAttributesWriter.appendKeyValue(name, value, field: 7, to: &out) }
        }
    }

    /// A `HistogramDataPoint` in field 1: 2 start time, 3 time, 4 count, 5 sum (optional, so
    /// written even when zero), 6 bucket counts and 7 bounds (packed), 9 attributes, 11 min
    /// and 12 max when known.
    static func appendHistogramPoint(
        _ sample: MetricSample, _ histogram: HistogramValue, batchTimestamp: Timestamp, to out: inout ProtobufWriter
    ) {
        out.appendMessageField(1, lengthGuess: 2) { out in
            appendTimes(sample, batchTimestamp: batchTimestamp, to: &out)
            if histogram.count != 0 { out.appendFixed64Field(4, histogram.count) }
            out.appendDoubleField(5, histogram.sum)
            if !histogram.counts.isEmpty { out.appendPackedFixed64Field(6, histogram.counts) }
            if !histogram.bounds.isEmpty { out.appendPackedDoubleField(7, histogram.bounds) }
            sample.forEachAttribute { name, value in OTLPAttributesWriter.appendKeyValue(name, value, field: 9, to: &out) }
            if let min = histogram.min { out.appendDoubleField(11, min) }
            if let max = histogram.max { out.appendDoubleField(12, max) }
        }
    }

    /// Fields 2 and 3 of both point kinds: the start time when known, the sample's time or
    /// else its batch's.
    private static func appendTimes(_ sample: MetricSample, batchTimestamp: Timestamp, to out: inout ProtobufWriter) {
        let start = sample.startTimestamp?.unixNano ?? 0
        if start != 0 { out.appendFixed64Field(2, start) }
        let time = (sample.timestamp ?? batchTimestamp).unixNano
        if time != 0 { out.appendFixed64Field(3, time) }
    }
}
