import Telemetry
import Testing

/// The two `MetricWriter`s: Prometheus text for scrapes and `MetricFamily` values for the
/// pipelines. (They live in Telemetry; the host collectors are their users, so they are
/// tested here.)
@Suite struct MetricWriterTests {
    /// Every kind of sample call, an empty family, and values that need escaping.
    static func writeSome(to writer: inout some MetricWriter) {
        writer.family("empty_total", help: "Nothing.", kind: .counter)
        writer.family("plain", help: "A \\ backslash\nand a newline.", kind: .gauge, unit: "By")
        writer.sample(1.5)
        writer.family("one_label_total", help: "One.", kind: .counter)
        writer.sample(-3, ("device", "say \"hi\"\\now"))
        writer.family("two_labels", help: "Two.", kind: .gauge)
        writer.sample(.infinity, ("cpu", "0"), ("mode", "idle"))
        writer.sample(2.5e20, Labels([("a", "1"), ("b", "2"), ("c", "3")]))
        writer.sample(.nan, Labels())
    }

    @Test func textRendersFamiliesWithSamplesOnly() {
        var writer = PrometheusTextWriter()
        Self.writeSome(to: &writer)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == """
            # HELP plain A \\\\ backslash\\nand a newline.
            # TYPE plain gauge
            plain 1.5
            # HELP one_label_total One.
            # TYPE one_label_total counter
            one_label_total{device="say \\"hi\\"\\\\now"} -3
            # HELP two_labels Two.
            # TYPE two_labels gauge
            two_labels{cpu="0",mode="idle"} +Inf
            two_labels{a="1",b="2",c="3"} 2.5e+20
            two_labels NaN

            """)
    }

    @Test func builderAndTextSayTheSame() {
        var builder = MetricFamilyBuilder()
        Self.writeSome(to: &builder)
        #expect(builder.families.map(\.name) == ["empty_total", "plain", "one_label_total", "two_labels"])
        #expect(builder.families[0].samples.isEmpty)
        #expect(builder.families[1].unit == "By")
        #expect(builder.families[3].samples.map(\.labels) == [["cpu": "0", "mode": "idle"], ["a": "1", "b": "2", "c": "3"], [:]])
        var text: [UInt8] = []
        PrometheusText.write(builder.families, into: &text)
        var writer = PrometheusTextWriter()
        Self.writeSome(to: &writer)
        #expect(text == writer.bytes)
    }

    @Test func rewindDropsWhatFollowedTheCheckpoint() {
        var writer = PrometheusTextWriter(bytes: Array("kept\n".utf8))
        var builder = MetricFamilyBuilder()
        builder.family("kept", help: "Kept.", kind: .gauge)
        let textMark = writer.checkpoint
        let familyMark = builder.checkpoint
        Self.writeSome(to: &writer)
        Self.writeSome(to: &builder)
        writer.rewind(to: textMark)
        builder.rewind(to: familyMark)
        #expect(writer.bytes == Array("kept\n".utf8))
        #expect(builder.families.map(\.name) == ["kept"])
        // A family started before the rewind is gone with it: the next one starts afresh.
        writer.family("after", help: "After.", kind: .gauge)
        writer.sample(0)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "kept\n# HELP after After.\n# TYPE after gauge\nafter 0\n")
    }

    /// `PrometheusText.write` of a single family keeps its header even without samples, as
    /// it always did; in a list, an empty family is left out.
    @Test func singleEmptyFamilyStillHasItsHeader() {
        var one: [UInt8] = []
        PrometheusText.write(MetricFamily(name: "idle", help: "Idle.", kind: .gauge), into: &one)
        #expect(String(decoding: one, as: UTF8.self) == "# HELP idle Idle.\n# TYPE idle gauge\n")
        var list: [UInt8] = []
        PrometheusText.write([MetricFamily(name: "idle", help: "Idle.", kind: .gauge)], into: &list)
        #expect(list.isEmpty)
    }

    /// Histograms go out as Prometheus' classic series: cumulative `_bucket{le}` (the
    /// model's counts are per bucket), `+Inf` equal to the count, then `_sum` and `_count`;
    /// the builder keeps the family whole.
    @Test func histogramsRenderAsClassicSeries() {
        var family = MetricFamily(name: "rpc_duration_seconds", help: "RPC latency.", kind: .histogram, unit: "s")
        family.samples = [
            MetricSample(labels: ["method": "get"], histogram: HistogramValue(bounds: [0.05, 0.5, 1], counts: [2, 3, 0, 1], sum: 2.75, count: 6))
        ]
        var text: [UInt8] = []
        PrometheusText.write([family], into: &text)
        #expect(String(decoding: text, as: UTF8.self) == """
            # HELP rpc_duration_seconds RPC latency.
            # TYPE rpc_duration_seconds histogram
            rpc_duration_seconds_bucket{method="get",le="0.05"} 2
            rpc_duration_seconds_bucket{method="get",le="0.5"} 5
            rpc_duration_seconds_bucket{method="get",le="1"} 5
            rpc_duration_seconds_bucket{method="get",le="+Inf"} 6
            rpc_duration_seconds_sum{method="get"} 2.75
            rpc_duration_seconds_count{method="get"} 6

            """)
        var builder = MetricFamilyBuilder()
        builder.write(family)
        #expect(builder.families == [family])
        #expect(family.samples[0].histogram?.isConsistent == true)
        #expect(HistogramValue(bounds: [1, 1], counts: [1, 1, 1], sum: 0, count: 3).isConsistent == false)
        #expect(HistogramValue(bounds: [1], counts: [1, 1], sum: 0, count: 3).isConsistent == false)
    }

    /// A point with bounds but no counts (OTLP lets `bucket_counts` be empty) has only its
    /// `+Inf` bucket: zeros for the bounds would tell `histogram_quantile` that every
    /// observation exceeded the highest bound.
    @Test func histogramWithoutCountsHasOnlyTheInfBucket() {
        let value = HistogramValue(bounds: [0.05, 0.5, 1], counts: [], sum: 2.75, count: 6)
        #expect(value.isConsistent)
        let family = MetricFamily(
            name: "rpc_duration_seconds", help: "RPC latency.", kind: .histogram, unit: "s",
            samples: [MetricSample(labels: ["method": "get"], histogram: value)])
        var text: [UInt8] = []
        PrometheusText.write([family], into: &text)
        #expect(String(decoding: text, as: UTF8.self) == """
            # HELP rpc_duration_seconds RPC latency.
            # TYPE rpc_duration_seconds histogram
            rpc_duration_seconds_bucket{method="get",le="+Inf"} 6
            rpc_duration_seconds_sum{method="get"} 2.75
            rpc_duration_seconds_count{method="get"} 6

            """)
    }

    /// A sample line longer than the writer's scratch space is written all the same.
    @Test func longLinesAreWrittenWhole() {
        let long = String(repeating: "a\\", count: 400)
        var writer = PrometheusTextWriter()
        writer.family("x", help: "X.", kind: .gauge)
        writer.sample(1, ("v", long))
        writer.sample(2.5, ("v", "short"))
        let escaped = String(repeating: "a\\\\", count: 400)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "# HELP x X.\n# TYPE x gauge\nx{v=\"\(escaped)\"} 1\nx{v=\"short\"} 2.5\n")
    }

    /// Appending keeps what the buffer held, in place.
    @Test func appendingKeepsTheBufferContents() {
        var out = Array("# before\n".utf8)
        PrometheusTextWriter.appending(to: &out) { writer in
            writer.family("x", help: "X.", kind: .gauge)
            writer.sample(2)
        }
        #expect(String(decoding: out, as: UTF8.self) == "# before\n# HELP x X.\n# TYPE x gauge\nx 2\n")
    }
}
