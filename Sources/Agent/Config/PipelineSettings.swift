import Telemetry
import YAML

/// One entry of `pipelines:`: which sources feed it, which processors run in order,
/// which exporters receive it (fan-out). The key names the signal: `logs`, `metrics/app`.
public struct PipelineSettings: Decodable, Sendable {
    public var sources: [Located<String>]
    public var processors: [Located<String>]
    public var exporters: [Located<String>]

    private enum CodingKeys: String, CodingKey { case sources, processors, exporters }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sources = try container.decode([Located<String>].self, forKey: .sources)
        processors = try container.decodeIfPresent([Located<String>].self, forKey: .processors) ?? []
        exporters = try container.decode([Located<String>].self, forKey: .exporters)
    }

    /// Parses a pipeline key: a signal, optionally followed by `/` and a name.
    static func signal(ofKey key: String) -> Signal? {
        let parts = key.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let signal = Signal(rawValue: String(parts[0])) else { return nil }
        if parts.count == 2 {
            let suffix = parts[1]
            guard !suffix.isEmpty, suffix.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
                return nil
            }
        }
        return signal
    }
}

/// A pipeline after its names were checked against the declared components.
public struct PipelineDeclaration: Sendable, Hashable {
    /// The key as written: `logs`, `metrics/app`.
    public var id: String
    public var signal: Signal
    public var sources: [String]
    public var processors: [String]
    public var exporters: [String]
}
