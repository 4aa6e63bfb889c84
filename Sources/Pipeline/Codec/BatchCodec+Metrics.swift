import Telemetry

extension BatchCodec {
    enum SampleFlag {
        /// The sample's label names are the previous sample's (in the same family): only
        /// the values follow. Collectors emit families whose samples share names.
        static let sameLabelNames: UInt8 = 1 << 0
        static let all: UInt8 = 0x01
    }

    static func metrics(_ batch: MetricBatch, into writer: inout ByteWriter) {
        writer.timestamp(batch.timestamp)
        writer.varint(batch.families.count)
        for family in batch.families {
            writer.string(family.name)
            writer.string(family.help)
            writer.u8(kindTag(family.kind))
            writer.string(family.unit)
            writer.varint(family.samples.count)
            var previous: Labels?
            for sample in family.samples {
                if let previous, sameNames(previous, sample.labels) {
                    writer.u8(SampleFlag.sameLabelNames)
                    for pair in sample.labels.pairs { writer.string(pair.value) }
                } else {
                    writer.u8(0)
                    writer.varint(sample.labels.pairs.count)
                    for pair in sample.labels.pairs {
                        writer.string(pair.name)
                        writer.string(pair.value)
                    }
                }
                writer.double(sample.value)
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
            guard let kind = kind(kindByte) else { throw .badTag(field: "metric kind", offset: kindOffset, tag: kindByte) }
            let unit = try reader.string("metric unit")
            let sampleCount = try reader.count("metric sample count")
            var samples: [MetricSample] = []
            samples.reserveCapacity(sampleCount)
            var names: [String] = []
            for index in 0..<sampleCount {
                let flags = try flags(&reader, "metric sample flags", allowed: SampleFlag.all)
                if flags & SampleFlag.sameLabelNames == 0 {
                    let labelCount = try reader.count("label count")
                    names.removeAll(keepingCapacity: true)
                    var pairs: [(name: String, value: String)] = []
                    pairs.reserveCapacity(labelCount)
                    for _ in 0..<labelCount {
                        let labelName = try reader.string("label name")
                        names.append(labelName)
                        pairs.append((labelName, try reader.string("label value")))
                    }
                    samples.append(MetricSample(labels: Labels(pairs), value: try reader.double("sample value")))
                } else {
                    guard index > 0 else {
                        throw .badTag(field: "metric sample flags", offset: reader.offset - 1, tag: flags)
                    }
                    var pairs: [(name: String, value: String)] = []
                    pairs.reserveCapacity(names.count)
                    for labelName in names { pairs.append((labelName, try reader.string("label value"))) }
                    samples.append(MetricSample(labels: Labels(pairs), value: try reader.double("sample value")))
                }
            }
            families.append(MetricFamily(name: name, help: help, kind: kind, unit: unit, samples: samples))
        }
        return MetricBatch(families: families, timestamp: timestamp)
    }

    private static func sameNames(_ lhs: Labels, _ rhs: Labels) -> Bool {
        lhs.pairs.count == rhs.pairs.count && zip(lhs.pairs, rhs.pairs).allSatisfy { $0.name == $1.name }
    }

    private static func kindTag(_ kind: MetricFamily.Kind) -> UInt8 {
        switch kind {
        case .counter: 0
        case .gauge: 1
        }
    }

    private static func kind(_ tag: UInt8) -> MetricFamily.Kind? {
        switch tag {
        case 0: .counter
        case 1: .gauge
        default: nil
        }
    }
}
