import Pipeline
import Telemetry
import YAML

/// `type: filter` — drops log records below `min_severity` and events matching a `drop_if`
/// rule; every drop is counted in `outrider_filter_dropped_total{processor,reason}`.
public struct FilterProcessorConfig: ProcessorConfig {
    public static let typeName = "filter"
    public static let signals: Set<Signal> = [.logs, .metrics, .traces]

    /// One `drop_if` entry: `{attribute: k, equals: v}`, `{attribute: k, in: [v, …]}` or
    /// `{attribute: k, exists: true}` — exactly one condition.
    public struct Rule: Decodable, Sendable, Equatable {
        public var attribute: String
        public var equals: String?
        public var oneOf: [String]?
        public var exists: Bool?

        enum CodingKeys: String, CodingKey {
            case attribute, equals, exists
            case oneOf = "in"
        }

        var filterRule: FilterRule? {
            switch (equals, oneOf, exists) {
            case (let value?, nil, nil): FilterRule(attribute: attribute, .equals(value))
            case (nil, let values?, nil): FilterRule(attribute: attribute, .oneOf(values))
            case (nil, nil, true): FilterRule(attribute: attribute, .exists)
            default: nil
            }
        }
    }

    /// A level name (`warn`, `error`) or an OpenTelemetry severity number 1–24.
    public var minSeverity: String?
    public var dropUnspecified = false
    public var dropIf: [Rule] = []

    enum CodingKeys: String, CodingKey {
        case minSeverity = "min_severity"
        case dropUnspecified = "drop_unspecified"
        case dropIf = "drop_if"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        minSeverity = try container.decodeIfPresent(String.self, forKey: .minSeverity)
        dropUnspecified = try container.decodeIfPresent(Bool.self, forKey: .dropUnspecified) ?? false
        dropIf = try container.decodeIfPresent([Rule].self, forKey: .dropIf) ?? []
    }

    var severity: Severity? {
        guard let minSeverity else { return nil }
        if let number = UInt8(minSeverity), (1...24).contains(number) { return Severity(number: number) }
        return Severity(levelName: Array(minSeverity.utf8))
    }

    public func validate() -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        if let minSeverity, severity == nil {
            problems.append(ConfigProblem(
                "expected a level (trace, debug, info, warn, error, fatal) or a number 1-24, got \"\(minSeverity)\"", at: "min_severity"))
        }
        for (index, rule) in dropIf.enumerated() {
            if rule.attribute.isEmpty { problems.append(ConfigProblem("must not be empty", at: "drop_if", "[\(index)]", "attribute")) }
            if rule.filterRule == nil {
                problems.append(ConfigProblem("give exactly one of equals:, in: or exists: true", at: "drop_if", "[\(index)]"))
            }
        }
        if minSeverity == nil && dropIf.isEmpty {
            problems.append(ConfigProblem("a filter needs min_severity: or drop_if: rules, or it does nothing"))
        }
        return problems
    }

    public func makeProcessor(_ context: ComponentContext) throws -> any Processor {
        FilterProcessor(name: context.name, minSeverity: severity, dropUnspecified: dropUnspecified, rules: dropIf.compactMap(\.filterRule))
    }
}
