import Telemetry

// Records written before histograms, per-sample timestamps, family scopes, integer values,
// scope details, up-down counters and label types existed have none of the flag bits or tags
// below set, so they decode unchanged: no version bump.
extension BatchCodec {
    enum SampleFlag {
        /// The sample's label names are the previous sample's (in the same family): only
        /// the values follow. Collectors emit families whose samples share names.
        static let sameLabelNames: UInt8 = 1 << 0
        static let histogram: UInt8 = 1 << 1
        static let timestamp: UInt8 = 1 << 2
        static let startTimestamp: UInt8 = 1 << 3
        /// The value is an integer (`MetricNumber.int`), written as a zigzag varint instead of
        /// a double: exact beyond 2^53, and shorter for small counts.
        static let integer: UInt8 = 1 << 4
        /// The types of the labels an SDK sent as ints, doubles or bools (`LabelTypes`) follow
        /// the histogram: a count, then each label name and its `LabelTypes.Kind` byte.
        static let labelTypes: UInt8 = 1 << 5
        /// The label types are the previous sample's (in the same family), which had some: an
        /// SDK's points under one metric tend to share attribute names and types.
        static let sameLabelTypes: UInt8 = 1 << 6
        static let all: UInt8 = 0x7F
    }

    enum HistogramFlag {
        static let min: UInt8 = 1 << 0
        static let max: UInt8 = 1 << 1
        static let all: UInt8 = 0x03
    }

    /// Set on a family's kind byte when an instrumentation scope follows the unit.
    static let familyScopeFlag: UInt8 = 0x80
    /// Set on a family's kind byte (with `familyScopeFlag`) when that scope is extended
    /// (attributes, schema URL): `hasDetails`.
    static let familyScopeDetailsFlag: UInt8 = 0x40

    static func metrics(_ batch: MetricBatch, into writer: inout ByteWriter) {
        writer.timestamp(batch.timestamp)
        writer.varint(batch.families.count)
        for family in batch.families {
            writer.string(family.name)
            writer.string(family.help)
            let hasScope = family.scope != InstrumentationScope()
            let scopeFlags = hasScope ? familyScopeFlag | (hasDetails(family.scope) ? familyScopeDetailsFlag : 0) : 0
            writer.u8(kindTag(family.kind) | scopeFlags)
            writer.string(family.unit)
            if hasScope { scope(family.scope, into: &writer) }
            writer.varint(family.samples.count)
            var previous: Labels?
            var previousTypes = LabelTypes()
            for sample in family.samples {
                var flags: UInt8 = 0
                if sample.histogram != nil { flags |= SampleFlag.histogram }
                if sample.timestamp != nil { flags |= SampleFlag.timestamp }
                if sample.startTimestamp != nil { flags |= SampleFlag.startTimestamp }
                if case .int = sample.number { flags |= SampleFlag.integer }
                let writesTypes = !sample.labelTypes.isEmpty && sample.labelTypes != previousTypes
                if writesTypes {
                    flags |= SampleFlag.labelTypes
                } else if !sample.labelTypes.isEmpty {
                    flags |= SampleFlag.sameLabelTypes
                }
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
                switch sample.number {
                case .double(let value): writer.double(value)
                case .int(let value): writer.zigzag(value)
                }
                if let timestamp = sample.timestamp { writer.timestamp(timestamp) }
                if let start = sample.startTimestamp { writer.timestamp(start) }
                if let histogram = sample.histogram { self.histogram(histogram, into: &writer) }
                if writesTypes { labelTypes(sample.labelTypes, into: &writer) }
                previous = sample.labels
                previousTypes = sample.labelTypes
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
            let hasScope = kindByte & familyScopeFlag != 0
            let scopeDetails = kindByte & familyScopeDetailsFlag != 0
            guard let kind = kind(kindByte & ~(familyScopeFlag | familyScopeDetailsFlag)), hasScope || !scopeDetails else {
                throw .badTag(field: "metric kind", offset: kindOffset, tag: kindByte)
            }
            let unit = try reader.string("metric unit")
            let scope = hasScope ? try self.scope(&reader, details: scopeDetails) : InstrumentationScope()
            let sampleCount = try reader.count("metric sample count")
            var samples: [MetricSample] = []
            samples.reserveCapacity(sampleCount)
            var names: [String] = []
            var previousTypes = LabelTypes()
            for index in 0..<sampleCount {
                let flagsOffset = reader.offset
                let flags = try flags(&reader, "metric sample flags", allowed: SampleFlag.all)
                // Both type flags at once, or "the same types" after a sample without any.
                if flags & SampleFlag.sameLabelTypes != 0, flags & SampleFlag.labelTypes != 0 || previousTypes.isEmpty {
                    throw .badTag(field: "metric sample flags", offset: flagsOffset, tag: flags)
                }
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
                    guard index > 0 else { throw .badTag(field: "metric sample flags", offset: flagsOffset, tag: flags) }
                    pairs.reserveCapacity(names.count)
                    for labelName in names { pairs.append((labelName, try reader.string("label value"))) }
                }
                let number: MetricNumber = flags & SampleFlag.integer != 0
                    ? .int(try reader.zigzag("sample value")) : .double(try reader.double("sample value"))
                var sample = MetricSample(labels: Labels(pairs), number: number)
                if flags & SampleFlag.timestamp != 0 { sample.timestamp = try reader.timestamp("sample timestamp") }
                if flags & SampleFlag.startTimestamp != 0 { sample.startTimestamp = try reader.timestamp("sample start") }
                if flags & SampleFlag.histogram != 0 { sample.histogram = try histogram(&reader) }
                if flags & SampleFlag.labelTypes != 0 {
                    sample.labelTypes = try labelTypes(&reader)
                } else if flags & SampleFlag.sameLabelTypes != 0 {
                    sample.labelTypes = previousTypes
                }
                previousTypes = sample.labelTypes
                samples.append(sample)
            }
            families.append(MetricFamily(name: name, help: help, kind: kind, unit: unit, samples: samples, scope: scope))
        }
        return MetricBatch(families: families, timestamp: timestamp)
    }

    private static func labelTypes(_ types: LabelTypes, into writer: inout ByteWriter) {
        writer.varint(types.entries.count)
        for entry in types.entries {
            writer.string(entry.name)
            writer.u8(entry.kind.rawValue)
        }
    }

    /// At least one entry: an empty list is written as no flag, so reading one is garbage.
    private static func labelTypes(_ reader: inout ByteReader) throws(BatchCodecError) -> LabelTypes {
        let countOffset = reader.offset
        let count = try reader.count("label type count")
        guard count > 0 else { throw .outOfRange(field: "label type count", offset: countOffset, value: 0) }
        var types = LabelTypes()
        types.entries.reserveCapacity(count)
        for _ in 0..<count {
            let name = try reader.string("label type name")
            let kindOffset = reader.offset
            let tag = try reader.u8("label type")
            guard let kind = LabelTypes.Kind(rawValue: tag) else { throw .badTag(field: "label type", offset: kindOffset, tag: tag) }
            types.append(name, kind)
        }
        return types
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
        case .upDownCounter: 3
        }
    }

    private static func kind(_ tag: UInt8) -> MetricFamily.Kind? {
        switch tag {
        case 0: .counter
        case 1: .gauge
        case 2: .histogram
        case 3: .upDownCounter
        default: nil
        }
    }
}
