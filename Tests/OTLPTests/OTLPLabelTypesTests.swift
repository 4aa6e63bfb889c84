import Foundation
@testable import OTLP
import Telemetry
import Testing

/// A metric point's attributes that an SDK sent as ints, doubles or bools (`{"core": 0}`,
/// `{"throttled": true}`) leave the agent as those types, not as the label text the model
/// holds; a label whose text a processor rewrote leaves as a string, never as an invalid value.
@Suite("OTLP: typed metric point attributes")
struct OTLPLabelTypesTests {
    static let time: UInt64 = 1_700_000_000_123_456_789

    static func keyValue(_ key: String, _ value: ProtoAnyValue.OneOf_Value) -> ProtoKeyValue {
        var keyValue = ProtoKeyValue()
        keyValue.key = key
        keyValue.value.value = value
        return keyValue
    }

    static func request(_ points: [[ProtoKeyValue]]) -> OTLPMetricsRequest {
        var gauge = ProtoMetric()
        gauge.name = "cpu.temperature"
        var data = Opentelemetry_Proto_Metrics_V1_Gauge()
        data.dataPoints = points.map { attributes in
            var point = ProtoNumberPoint()
            point.attributes = attributes
            point.timeUnixNano = time
            point.value = .asDouble(51.5)
            return point
        }
        gauge.gauge = data
        var scoped = Opentelemetry_Proto_Metrics_V1_ScopeMetrics()
        scoped.metrics = [gauge]
        var resourceMetrics = Opentelemetry_Proto_Metrics_V1_ResourceMetrics()
        resourceMetrics.resource = ProtoResource()  // the encoder always writes one
        resourceMetrics.scopeMetrics = [scoped]
        var request = OTLPMetricsRequest()
        request.resourceMetrics = [resourceMetrics]
        return request
    }

    static func wire(_ request: OTLPMetricsRequest) throws -> OTLPMetricsRequest {
        let bytes: [UInt8] = try request.serializedBytes()
        return try OTLPMetricsRequest(serializedBytes: bytes)
    }

    static func decode(_ request: OTLPMetricsRequest) throws -> MetricBatch {
        let decoded = OTLPMetrics.batches(from: try wire(request), receivedAt: Timestamp(nanosecondsSinceEpoch: 1))
        #expect(decoded.partialSuccess.isEmpty, "\(decoded.partialSuccess.errorMessage)")
        return try #require(decoded.firstMetrics)
    }

    static func encode(_ batch: MetricBatch) throws -> [[ProtoKeyValue]] {
        let request = try wire(OTLPMetrics.request([.metrics(batch)]))
        return request.resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints.map(\.attributes)
    }

    static let doubles: [Double] = [
        0.1, 1e300, -0.0, 0, .leastNonzeroMagnitude, -.leastNormalMagnitude, 1e21, 1e-7, 123_456_789.125, 1.0 / 3,
        .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .infinity, -.infinity,
    ]

    @Test("ints (at the int64 extremes), doubles (bit for bit), bools and strings leave as the types they came as")
    func roundTrip() throws {
        let points: [[ProtoKeyValue]] = [
            [Self.keyValue("core", .intValue(0)), Self.keyValue("throttled", .boolValue(true))],
            [Self.keyValue("min", .intValue(.min)), Self.keyValue("max", .intValue(.max)), Self.keyValue("off", .boolValue(false))],
            // Strings that read as numbers or bools stay strings.
            [Self.keyValue("core", .stringValue("0")), Self.keyValue("flag", .stringValue("true")), Self.keyValue("d", .stringValue("0.1"))],
            Self.doubles.enumerated().map { Self.keyValue("d\($0.offset)", .doubleValue($0.element)) },
            [],
        ]
        let sent = Self.request(points)
        let batch = try Self.decode(sent)
        let samples = batch.families[0].samples
        #expect(samples[0].labels == ["core": "0", "throttled": "true"], "the model holds text, as Prometheus needs")
        #expect(samples[0].labelTypes == LabelTypes([.init(name: "core", kind: .int), .init(name: "throttled", kind: .bool)]))
        #expect(samples[2].labelTypes.isEmpty && samples[4].labelTypes.isEmpty)
        #expect(try Self.wire(OTLPMetrics.request([.metrics(batch)])) == sent)

        // Message equality compares doubles with ==, which cannot tell -0 from 0.
        let doubles = try Self.encode(batch)[3].map { attribute -> UInt64? in
            guard case .doubleValue(let number) = attribute.value.value else { return nil }
            return number.bitPattern
        }
        #expect(doubles == Self.doubles.map(\.bitPattern))
    }

    @Test("a NaN attribute leaves as a NaN double")
    func notANumber() throws {
        let batch = try Self.decode(Self.request([[Self.keyValue("ratio", .doubleValue(.nan))]]))
        #expect(batch.families[0].samples[0].labels == ["ratio": "NaN"])
        let attribute = try #require(try Self.encode(batch).first?.first)
        guard case .doubleValue(let number) = attribute.value.value else {
            Issue.record("left as \(attribute.value)")
            return
        }
        #expect(number.isNaN)
    }

    @Test("bytes, arrays and maps stay their text and leave as strings; no types are recorded for them")
    func compositeValues() throws {
        var array = Opentelemetry_Proto_Common_V1_ArrayValue()
        var one = ProtoAnyValue()
        one.intValue = 1
        array.values = [one]
        var map = Opentelemetry_Proto_Common_V1_KeyValueList()
        map.values = [Self.keyValue("k", .boolValue(true))]
        let batch = try Self.decode(Self.request([[
            Self.keyValue("bytes", .bytesValue(Data([0, 0xFF]))), Self.keyValue("array", .arrayValue(array)),
            Self.keyValue("map", .kvlistValue(map)),
        ]]))
        #expect(batch.families[0].samples[0].labelTypes.isEmpty)
        #expect(try Self.encode(batch)[0].map(\.value.value) == [.stringValue("AP8="), .stringValue("[1]"), .stringValue(#"{"k":true}"#)])
    }

    @Test("a typed label a processor rewrote leaves as the string it now is; untouched ones keep their types")
    func rewrittenLabels() throws {
        var batch = try Self.decode(Self.request([[
            Self.keyValue("user.id", .intValue(4711)), Self.keyValue("ratio", .doubleValue(0.5)),
            Self.keyValue("admin", .boolValue(true)), Self.keyValue("core", .intValue(3)),
        ]]))
        var labels = batch.families[0].samples[0].labels
        labels.pairs[0].value = "[REDACTED]"  // what a redaction leaves
        labels.pairs[1].value = "half"
        labels.pairs[2].value = "TRUE"  // not OTLP's spelling of a bool
        labels.pairs.append((name: "added", value: "7"))
        batch.families[0].samples[0].labels = labels
        #expect(try Self.encode(batch)[0].map(\.value.value) == [
            .stringValue("[REDACTED]"), .stringValue("half"), .stringValue("TRUE"), .intValue(3), .stringValue("7"),
        ])

        // Reordered and with a label removed: types go by name, not by position.
        batch.families[0].samples[0].labels = Labels([(name: "added", value: "7"), (name: "core", value: "-12"), (name: "ratio", value: "2")])
        #expect(try Self.encode(batch)[0].map(\.value.value) == [.stringValue("7"), .intValue(-12), .doubleValue(2)])
    }

    @Test("a point with many typed attributes (past the scan limit), in any order, keeps every type")
    func manyLabels() throws {
        let count = 30  // well past the 8 entries a lookup scans
        let sent = (0..<count).map { index -> ProtoKeyValue in
            switch index % 3 {
            case 0: Self.keyValue("i\(index)", .intValue(Int64(index) - 50))
            case 1: Self.keyValue("d\(index)", .doubleValue(Double(index) / 8))
            default: Self.keyValue("s\(index)", .stringValue("\(index)"))
            }
        }
        var batch = try Self.decode(Self.request([sent]))
        #expect(batch.families[0].samples[0].labelTypes.entries.count == count - count / 3)
        #expect(try Self.encode(batch)[0] == sent)
        batch.families[0].samples[0].labels.pairs.reverse()
        #expect(try Self.encode(batch)[0] == sent.reversed())
    }

    @Test("samples without recorded types (host metrics) leave every label as a string, even ones that read as numbers")
    func untypedSamples() throws {
        let family = MetricFamily(
            name: "node_cpu_seconds_total", help: "", kind: .counter,
            samples: [MetricSample(labels: ["cpu": "0", "mode": "idle", "online": "true"], value: 12.5)])
        let request = try Self.wire(OTLPMetrics.request([.metrics(MetricBatch(families: [family], timestamp: Timestamp(nanosecondsSinceEpoch: 1)))]))
        #expect(request.resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0].attributes.map(\.value.value)
            == [.stringValue("0"), .stringValue("idle"), .stringValue("true")])
    }
}
