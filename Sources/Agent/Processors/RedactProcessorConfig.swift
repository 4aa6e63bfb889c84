import Telemetry
import Pipeline
import YAML

/// `type: redact` — masks secrets and personal data in log bodies and attributes before
/// anything leaves the pod; matches are counted in `outrider_redact_matches_total`.
public struct RedactProcessorConfig: ProcessorConfig {
    public static let typeName = "redact"
    public static let signals: Set<Signal> = [.logs, .traces]

    /// Credentials by default; `email`, `credit_card` and `ipv4` are opt-in because what
    /// counts as personal data is the platform's policy, not ours.
    public static let defaultPatterns: [RedactPattern] = [.bearerToken, .basicAuth, .apiKey, .jwt]

    public var patterns = RedactProcessorConfig.defaultPatterns
    /// Exact strings to mask wherever they appear.
    public var literals: [String] = []
    public var replacement = "[REDACTED]"
    /// Also scan resource attributes.
    public var redactResource = false

    enum CodingKeys: String, CodingKey {
        case patterns, literals, replacement
        case redactResource = "redact_resource"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        patterns = try container.decodeIfPresent([Pattern].self, forKey: .patterns)?.map(\.pattern) ?? patterns
        literals = try container.decodeIfPresent([String].self, forKey: .literals) ?? []
        replacement = try container.decodeIfPresent(String.self, forKey: .replacement) ?? replacement
        redactResource = try container.decodeIfPresent(Bool.self, forKey: .redactResource) ?? false
    }

    /// A pattern name, decoded with the valid names listed on a typo.
    struct Pattern: ConfigEnum {
        let pattern: RedactPattern
        init?(rawValue: String) { guard let pattern = RedactPattern(rawValue: rawValue) else { return nil }; self.pattern = pattern }
        var rawValue: String { pattern.rawValue }
        static var allCases: [Pattern] { RedactPattern.allCases.map { Pattern(rawValue: $0.rawValue)! } }
    }

    public func validate() -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        if patterns.isEmpty && literals.isEmpty { problems.append(ConfigProblem("nothing to redact: give patterns: or literals:")) }
        for (index, literal) in literals.enumerated() where literal.isEmpty {
            problems.append(ConfigProblem("must not be empty", at: "literals", "[\(index)]"))
        }
        for (index, pattern) in patterns.enumerated() where patterns[..<index].contains(pattern) {
            problems.append(ConfigProblem("\"\(pattern.rawValue)\" is listed twice", at: "patterns", "[\(index)]"))
        }
        return problems
    }

    public func makeProcessor(_ context: ComponentContext) throws -> any Processor {
        RedactProcessor(name: context.name, patterns: patterns, literals: literals, replacement: replacement, redactResource: redactResource)
    }
}
