import Telemetry

// Records written before histograms, per-sample timestamps and family scopes existed have
// none of the flag bits or tags below set, so they decode unchanged: no version bump.
extension BatchCodec {
    enum SampleFlag {
        /// The sample's label names are the previous sample's (in the same family): only
        /// the values follow. Collectors emit families whose samples share names.
        static let sameLabelNames: UInt8 = 1 << 0
        static let histogram: UInt8 = 1 << 1
        static let timestamp: UInt8 = 1 << 2
        static let startTimestamp: UInt8 = 1 << 3
        static let all: UInt8 = 0x0F
    }

    enum HistogramFlag {
        static let min: UInt8 = 1 << 0
        static let max: UInt8 = 1 << 1
        static let all: UInt8 = 0x03
    }

    /// Set on a family's kind byte when an instrumentation scope follows the unit.
    static let familyScopeFlag: UInt8 = 0x80

    static func metrics(_ batch: MetricBatch, into writer: inout ByteWriter) {
        writer.timestamp(batch.timestamp)
        writer.varint(batch.families.count)
        for family in batch.families {
            writer.string(family.name)
            writer.string(family.help)
            let hasScope = !family.scope.name.isEmpty || !family.scope.version.isEmpty
            writer.u8(kindTag(family.kind) | (hasScope ? familyScopeFlag : 0))
            writer.string(family.unit)
            if hasScope {
                writer.string(family.scope.name)
                writer.string(family.scope.version)
            }
            writer.varint(family.samples.count)
            var previous: Labels?
            for sample in family.samples {
                var flags: UInt8 = 0
                if sample.histogram != nil { flags |= SampleFlag.histogram }
                if sample.timestamp != nil { flags |= SampleFlag.timestamp }
                if sample.startTimestamp != nil { flags |= SampleFlag.startTimestamp }
                if let previous, sameNames(previous, sample.labels) {
                    writer.u8(flags | SampleFlag.sameLabelNames)
                    for pair in sample.labels.pairs { writer.string(pair.value) }
                } else {
                    writer.u8(flags)
                    writer.varint(sample.labels.pairs.count)
                    for pair in sample.labels.pairs {
                        writer.string(pair.name)
                        writer.string(pair.value)
                    }
                }
                writer.double(sample.value)
                if let timestamp = sample.timestamp { writer.timestamp(timestamp) }
                if let start = sample.startTimestamp { writer.timestamp(start) }
                if let histogram = sample.histogram { self.histogram(histogram, into: &writer) }
                previous = sample.labels
            }
        }
    }

    static func metrics(_ reader: inout ByteReader) throws(BatchCodecError) -> MetricBatch {
        let timestamp = try reader.timestamp("metric batch timestamp")
        let familyCount = try reader.count("metric family count")
        var families: [MetricFamily] = []
        families.reserveCapacity(familyCount)
        for _ in 0..<familyCount {
            let name = try reader.string("metric name")
            let help = try reader.string("metric help")
            let kindOffset = reader.offset
            let kindByte = try reader.u8("metric kind")
            guard let kind = kind(kindByte & ~familyScopeFlag) else {
                throw .badTag(field: "metric kind", offset: kindOffset, tag: kindByte)
            }
            let unit = try reader.string("metric unit")
            var scope = InstrumentationScope()
            if kindByte & familyScopeFlag != 0 {
                scope.name = try reader.string("metric scope name")
                scope.version = try reader.string("metric scope version")
            }
            let sampleCount = try reader.count("metric sample count")
            var samples: [MetricSample] = []
            samples.reserveCapacity(sampleCount)
            var names: [String] = []
            for index in 0..<sampleCount {
                let flags = try flags(&reader, "metric sample flags", allowed: SampleFlag.all)
                var pairs: [(name: String, value: String)] = []
                if flags & SampleFlag.sameLabelNames == 0 {
                    let labelCount = try reader.count("label count")
                    names.removeAll(keepingCapacity: true)
                    pairs.reserveCapacity(labelCount)
                    for _ in 0..<labelCount {
                        let labelName = try reader.string("label name")
                        names.append(labelName)
                        pairs.append((labelName, try reader.string("label value")))
                    }
                } else {
                    guard index > 0 else {
                        throw .badTag(field: "metric sample flags", offset: reader.offset - 1, tag: flags)
                    }
                    pairs.reserveCapacity(names.count)
                    for labelName in names { pairs.append((labelName, try reader.string("label value"))) }
                }
                var sample = MetricSample(labels: Labels(pairs), value: try reader.double("sample value"))
                if flags & SampleFlag.timestamp != 0 { sample.timestamp = try reader.timestamp("sample timestamp") }
                if flags & SampleFlag.startTimestamp != 0 { sample.startTimestamp = try reader.timestamp("sample start") }
                if flags & SampleFlag.histogram != 0 { sample.histogram = try histogram(&reader) }
                samples.append(sample)
            }
            families.append(MetricFamily(name: name, help: help, kind: kind, unit: unit, samples: samples, scope: scope))
        }
        return MetricBatch(families: families, timestamp: timestamp)
    }

    private static func histogram(_ histogram: HistogramValue, into writer: inout ByteWriter) {
        var flags: UInt8 = 0
        if histogram.min != nil { flags |= HistogramFlag.min }
        if histogram.max != nil { flags |= HistogramFlag.max }
        writer.u8(flags)
        writer.varint(histogram.bounds.count)
        for bound in histogram.bounds { writer.double(bound) }
        writer.varint(histogram.counts.count)
        for count in histogram.counts { writer.varint(count) }
        writer.double(histogram.sum)
        writer.varint(histogram.count)
        if let min = histogram.min { writer.double(min) }
        if let max = histogram.max { writer.double(max) }
    }

    private static func histogram(_ reader: inout ByteReader) throws(BatchCodecError) -> HistogramValue {
        let flags = try flags(&reader, "histogram flags", allowed: HistogramFlag.all)
        let boundCount = try reader.count("histogram bound count")
        var bounds: [Double] = []
        bounds.reserveCapacity(boundCount)
        for _ in 0..<boundCount { bounds.append(try reader.double("histogram bound")) }
        let countCount = try reader.count("histogram bucket count")
        var counts: [UInt64] = []
        counts.reserveCapacity(countCount)
        for _ in 0..<countCount { counts.append(try reader.varint("histogram bucket")) }
        let sum = try reader.double("histogram sum")
        let count = try reader.varint("histogram count")
        let min = flags & HistogramFlag.min != 0 ? try reader.double("histogram min") : nil
        let max = flags & HistogramFlag.max != 0 ? try reader.double("histogram max") : nil
        return HistogramValue(bounds: bounds, counts: counts, sum: sum, count: count, min: min, max: max)
    }

    private static func sameNames(_ lhs: Labels, _ rhs: Labels) -> Bool {
        lhs.pairs.count == rhs.pairs.count && zip(lhs.pairs, rhs.pairs).allSatisfy { $0.name == $1.name }
    }

    private static func kindTag(_ kind: MetricFamily.Kind) -> UInt8 {
        switch kind {
        case .counter: 0
        case .gauge: 1
        case .histogram: 2
        }
    }

    private static func kind(_ tag: UInt8) -> MetricFamily.Kind? {
        switch tag {
        case 0: .counter
        case 1: .gauge
        case 2: .histogram
        default: nil
        }
    }
}
