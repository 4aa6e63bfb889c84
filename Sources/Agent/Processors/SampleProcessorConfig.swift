import Pipeline
import Telemetry
import YAML

/// `type: sample` — head sampling for traces: keeps error spans, spans whose trace the
/// upstream head sampled, and `ratio` of the rest by OpenTelemetry's TraceIdRatioBased rule
/// on the trace id (see `SampleProcessor`); counted in
/// `outrider_traces_sampled_total{processor,decision,reason}`.
public struct SampleProcessorConfig: ProcessorConfig {
    public static let typeName = "sample"
    /// Sampling is decided per trace; logs and metrics have no trace to decide on.
    public static let signals: Set<Signal> = [.traces]

    /// The platform's production default.
    public static let defaultRatio = Ratio(0.1)

    /// `10%` or `0.1`; outside 0%–100% is refused where it is written.
    public var ratio = SampleProcessorConfig.defaultRatio
    public var parentBased = true
    public var keepErrors = true

    enum CodingKeys: String, CodingKey {
        case ratio
        case parentBased = "parent_based"
        case keepErrors = "keep_errors"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        ratio = try container.decodeIfPresent(Ratio.self, forKey: .ratio) ?? ratio
        parentBased = try container.decodeIfPresent(Bool.self, forKey: .parentBased) ?? true
        keepErrors = try container.decodeIfPresent(Bool.self, forKey: .keepErrors) ?? true
    }

    public func makeProcessor(_ context: ComponentContext) throws -> any Processor {
        SampleProcessor(name: context.name, ratio: ratio.value, parentBased: parentBased, keepErrors: keepErrors)
    }
}
