@testable import OTLP
import Telemetry
import Testing

/// Non-string point attributes become label text spelled as the Collector's
/// `Value.AsString()` spells them, so a series keeps its labels whichever agent forwarded it.
@Suite("OTLP: attribute values as label text, as the Collector writes them")
struct OTLPValueTextTests {
    typealias Build = OTLPRejectionTests

    /// The label text a gauge point with attribute `v` gets.
    static func label(_ value: ProtoAnyValue) throws -> String? {
        let metric = Build.metric("g") { $0.gauge.dataPoints = [Build.numberPoint(1, attributes: [Build.keyValue("v", value)])] }
        let decoded = OTLPMetrics.batches(from: Build.metricsRequest([metric]), receivedAt: Build.receivedAt)
        return try #require(decoded.firstMetrics).families.first?.samples.first?.labels["v"]
    }

    static func double(_ number: Double) -> ProtoAnyValue {
        Build.value { $0.doubleValue = number }
    }

    @Test("doubles: plain decimals from 1e-6 to below 1e21, exponents outside, shortest digits", arguments: [
        (0.00001, "0.00001"), (0.000001, "0.000001"), (1e-7, "1e-7"), (1.5e-10, "1.5e-10"), (Double.leastNonzeroMagnitude, "5e-324"),
        (100, "100"), (0.1, "0.1"), (-2.5, "-2.5"), (123_456_789.125, "123456789.125"), (1e20, "100000000000000000000"),
        (1e21, "1e+21"), (1.7976931348623157e308, "1.7976931348623157e+308"), (0, "0"), (-0.0, "-0"),
        (Double((1 << 53) + 1), "9007199254740992"), (0.1 + 0.2, "0.30000000000000004"),
    ])
    func doubles(number: Double, text: String) throws {
        #expect(try Self.label(Self.double(number)) == text)
    }

    @Test("NaN and the infinities: the value part of what the Collector writes")
    func nonFinite() throws {
        #expect(try Self.label(Self.double(.nan)) == "NaN")
        #expect(try Self.label(Self.double(.infinity)) == "+Inf")
        #expect(try Self.label(Self.double(-.infinity)) == "-Inf")
    }

    @Test("doubles inside arrays and maps are JSON numbers in the same spelling")
    func nested() throws {
        var array = Opentelemetry_Proto_Common_V1_ArrayValue()
        array.values = [Self.double(0.00001), Self.double(2), Self.double(1e-7)]
        var map = Opentelemetry_Proto_Common_V1_KeyValueList()
        map.values = [Build.keyValue("ratio", Self.double(1e21)), Build.keyValue("list", Build.value { $0.arrayValue = array })]
        #expect(try Self.label(Build.value { $0.kvlistValue = map }) == #"{"ratio":1e+21,"list":[0.00001,2,1e-7]}"#)
    }
}
