import Foundation
import OTLP
import Telemetry
import Testing
@testable import Exporters

/// Metric point attributes an SDK sent as ints, doubles or bools reach an OTLP backend as
/// those types in both encodings, while every other encoder sees the label text.
@Suite("Encoders: typed metric point attributes")
struct LabelTypesEncodingTests {
    static let noon = OTLPExportSamples.noon

    static let doubles: [Double] = [0.1, 1e300, -0.0, .leastNonzeroMagnitude, 1e21, 1e-7, .greatestFiniteMagnitude, .infinity, -.infinity]
    /// Their label text, as the OTLP decoder writes it (the Collector's `AsString()`).
    static let doubleTexts = ["0.1", "1e+300", "-0", "5e-324", "1e+21", "1e-7", "1.7976931348623157e+308", "+Inf", "-Inf"]

    /// As the OTLP decoder leaves them: label text, and the types of the non-string ones.
    static let batch: TelemetryBatch = {
        var typed = MetricSample(labels: ["core": "1", "throttled": "true", "host": "web-1"], value: 51.5)
        typed.labelTypes = LabelTypes([.init(name: "core", kind: .int), .init(name: "throttled", kind: .bool)])
        var extremes = MetricSample(labels: ["min": String(Int64.min), "max": String(Int64.max), "off": "false"], number: .int(3))
        extremes.labelTypes = LabelTypes([.init(name: "min", kind: .int), .init(name: "max", kind: .int), .init(name: "off", kind: .bool)])
        var floats = MetricSample(
            labels: Labels(doubleTexts.enumerated().map { (name: "d\($0.offset)", value: $0.element) }), value: 1)
        floats.labelTypes = LabelTypes(doubles.indices.map { .init(name: "d\($0)", kind: .double) })
        var redacted = MetricSample(labels: ["user.id": "[REDACTED]", "core": "2"], value: 1)
        redacted.labelTypes = LabelTypes([.init(name: "user.id", kind: .int), .init(name: "core", kind: .int)])
        let host = MetricSample(labels: ["cpu": "0", "mode": "idle"], value: 12.5)
        return .metrics(MetricBatch(families: [
            MetricFamily(name: "cpu.temperature", help: "", kind: .gauge, samples: [typed, extremes, floats, redacted, host]),
        ], timestamp: noon))
    }()

    static func points(_ request: OTLPMetricsRequest) -> [[Opentelemetry_Proto_Common_V1_AnyValue.OneOf_Value?]] {
        request.resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints.map { $0.attributes.map(\.value.value) }
    }

    @Test("protobuf and OTLP/JSON: typed labels leave as ints, doubles and bools; rewritten and host labels as strings")
    func bothEncodings() throws {
        let protobuf = try OTLPMetricsRequest(serializedBytes: try OTLPProtobufEncoder(signal: .metrics).encode([Self.batch]))
        let json = try OTLPMetricsRequest(jsonUTF8Bytes: try OTLPJSONEncoder(signal: .metrics).encode([Self.batch]))
        for request in [protobuf, json] {
            let points = Self.points(request)
            #expect(points[0] == [.intValue(1), .boolValue(true), .stringValue("web-1")])
            #expect(points[1] == [.intValue(.min), .intValue(.max), .boolValue(false)])
            let bits = points[2].map { value -> UInt64? in
                guard case .doubleValue(let number) = value else { return nil }
                return number.bitPattern
            }
            #expect(bits == Self.doubles.map(\.bitPattern), "bit for bit, negative zero too")
            #expect(points[3] == [.stringValue("[REDACTED]"), .intValue(2)])
            #expect(points[4] == [.stringValue("0"), .stringValue("idle")])
        }
        #expect(protobuf == json)
        let text = String(decoding: try OTLPJSONEncoder(signal: .metrics).encode([Self.batch]), as: UTF8.self)
        #expect(text.contains(#"{"key":"core","value":{"intValue":"1"}},{"key":"throttled","value":{"boolValue":true}}"#))
        #expect(text.contains(#"{"key":"d2","value":{"doubleValue":-0}}"#))
    }

    @Test("the string encoders see the label text: JSON lines and remote_write")
    func stringEncoders() throws {
        let line = try #require(String(decoding: try JSONLinesEncoder().encode([Self.batch]), as: UTF8.self).split(separator: "\n").first)
        #expect(line.contains(#""labels":{"core":"1","throttled":"true","host":"web-1"}"#))
        let remoteWrite = try RemoteWriteEncoderTests.encode([Self.batch])
        #expect(remoteWrite.timeseries[0].labels.map { "\($0.name)=\($0.value)" } == ["__name__=cpu_temperature", "core=1", "host=web-1", "throttled=true"])
    }
}
