import Agent
import Foundation
import Pipeline
import ServiceLifecycle
import Telemetry
import TestSupport
import Testing
import YAML

/// `type: sample`: its keys, defaults and refusals, and a traces pipeline in a running agent
/// that keeps the right spans and shows its decisions on /metrics.
@Suite("sample processor: config and a traces pipeline", .timeLimit(.minutes(1)))
struct SampleProcessorConfigTests {
    let loader = ConfigLoader(catalog: .test.registering(SampleProcessorConfig.self), environment: EnvironmentSubstitution([:]))

    func sample(_ keys: String) throws -> SampleProcessorConfig? {
        let config = try loader.load(bytes: Array("processors:\n  head: {type: sample\(keys)}\n".utf8), file: "outrider.yaml").config
        return config.processors.first?.config as? SampleProcessorConfig
    }

    func errors(_ text: String) -> [String] {
        configErrors { () throws(ConfigLoadError) in try loader.load(bytes: Array(text.utf8), file: "outrider.yaml") }
    }

    @Test func defaultsAreTenPercentParentBasedKeepingErrors() throws {
        let config = try #require(try sample(""))
        #expect(config.ratio.value == 0.1)
        #expect(config.parentBased && config.keepErrors)
    }

    @Test(arguments: [(", ratio: 10%", 0.1), (", ratio: 0.25", 0.25), (", ratio: 0", 0), (", ratio: 100%", 1), (", ratio: \"12.5%\"", 0.125)])
    func ratioIsAPercentageOrAFraction(_ keys: String, _ value: Double) throws {
        #expect(try sample(keys)?.ratio.value == value)
    }

    @Test func rulesCanBeTurnedOff() throws {
        let config = try #require(try sample(", parent_based: false, keep_errors: false"))
        #expect(!config.parentBased && !config.keepErrors)
    }

    @Test(arguments: [
        ("processors:\n  head:\n    type: sample\n    ratio: 150%\n",
         #"outrider.yaml:4:12: processors.head.ratio: expected a ratio between 0% and 100%, got "150%""#),
        ("processors:\n  head:\n    type: sample\n    ratio: -0.1\n",
         #"outrider.yaml:4:12: processors.head.ratio: expected a ratio between 0% and 100%, got "-0.1""#),
        ("processors:\n  head:\n    type: sample\n    ratio: abc\n",
         #"outrider.yaml:4:12: processors.head.ratio: expected a ratio like "10%" or 0.1, got "abc""#),
        ("processors:\n  head: {type: sample, keep_error: false}\n",
         #"outrider.yaml:2:24: processors.head.keep_error: unknown key "keep_error" (did you mean "keep_errors"?)"#),
    ])
    func badValuesAreRefusedWhereTheyAreWritten(_ document: String, _ expected: String) {
        #expect(errors(document) == [expected])
    }

    @Test func onlyTracesPipelinesMayNameIt() {
        let document = """
            sources:
              app: {type: test_source}
            processors:
              head: {type: sample}
            exporters:
              backend: {type: test_exporter, endpoint: "http://127.0.0.1:1"}
            pipelines:
              logs:
                sources: [app]
                processors: [head]
                exporters: [backend]
            """
        #expect(errors(document) == [
            #"outrider.yaml:10:18: pipelines.logs.processors[0]: processor "head" (type sample) does not carry logs; it carries traces"#
        ])
    }

    @Test func aTracesPipelineKeepsTheSampledSpansAndCountsEveryDecision() async throws {
        let directory = try TemporaryDirectory()
        let output = directory.path + "/spans.jsonl"
        let agent = try await RunningAgent(config: """
            server: {listen: "127.0.0.1:0"}
            sources:
              spans: {type: test_spans}
            processors:
              head: {type: sample, ratio: 25%}
            exporters:
              out:
                type: file
                path: \(output)
                batch: {max_events: 100, max_wait: 20ms}
            pipelines:
              traces: {sources: [spans], processors: [head], exporters: [out]}
            """, catalog: .standard.registering(TestSpansSourceConfig.self))
        let traceIDs = {
            ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { line -> String? in
                guard let start = line.firstRange(of: #""traceId":""#)?.upperBound else { return nil }
                return String(line[start...].prefix(32))
            }
        }
        let expected = TestSpansSource.spans.filter(\.kept).map(\.span.traceID.hex)
        #expect(await eventually { traceIDs().count >= expected.count })
        let metrics = PrometheusExposition(try agent.get("/metrics").body)
        _ = try await agent.stop()
        #expect(traceIDs() == expected)
        let sampled = metrics.samples["outrider_traces_sampled_total"] ?? [:]
        #expect(sampled == [
            #"decision="sampled",processor="head",reason="error""#: 1,
            #"decision="sampled",processor="head",reason="parent""#: 1,
            #"decision="sampled",processor="head",reason="ratio""#: 2,
            #"decision="not_sampled",processor="head",reason="ratio""#: 4,
        ])
        #expect(metrics.types["outrider_traces_sampled_total"] == "counter")
    }
}

/// `type: test_spans`: sends `TestSpansSource.spans` once, as one batch, then waits for shutdown.
struct TestSpansSourceConfig: SourceConfig {
    static let typeName = "test_spans"
    static let signals: Set<Signal> = [.traces]

    init(from decoder: any Decoder) throws {}

    func makeService(_ context: ComponentContext) throws -> any Service {
        TestSpansSource(context: context)
    }
}

struct TestSpansSource: Service {
    let context: ComponentContext

    /// At ratio 25% the ratio rule keeps lower trace-id halves below 2^62. `flags` is
    /// truncated to the model's width.
    static let spans: [(span: Span, kept: Bool)] = {
        let now = Timestamp(nanosecondsSinceEpoch: 1_700_000_000_000_000_000)
        func span(_ high: UInt64, _ low: UInt64, flags: UInt32 = 0, status: Span.Status.Code = .unset) -> Span {
            Span(
                traceID: TraceID(high: high, low: low), spanID: SpanID(high), flags: .init(truncatingIfNeeded: flags),
                name: "op", start: now, end: now, status: Span.Status(code: status))
        }
        return [
            (span(1, 1), true),
            (span(2, .max), false),
            (span(3, .max, status: .error), true),
            (span(4, .max, flags: 0x301), true),  // a remote parent sampled it
            (span(5, .max, flags: 0x300), false),  // a remote parent, not sampled: up to the ratio
            (span(8, .max, flags: 0x101), false),  // sampled bit without a remote parent (Java's every span): the ratio
            (span(6, 1 << 62 - 1), true),
            (span(7, 1 << 62), false),
        ]
    }()

    func run() async throws {
        context.health.ready()
        try await context.output?.send(.spans(Self.spans.map(\.span)))
        try? await gracefulShutdown()
    }
}
