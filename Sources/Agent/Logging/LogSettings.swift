import Logging

/// `log:` — the agent's own logs.
public struct LogSettings: Decodable, Sendable, Hashable {
    public enum Level: String, ConfigEnum {
        case debug, info, warn, error, critical

        public var loggerLevel: Logger.Level {
            switch self {
            case .debug: .debug
            case .info: .info
            case .warn: .warning
            case .error: .error
            case .critical: .critical
            }
        }
    }

    public enum Format: String, ConfigEnum {
        /// One JSON object per line, for the cluster's log pipeline.
        case json
        /// `2026-11-24T08:16:54.123Z info message key=value`, for people at a terminal.
        case text
    }

    public var level: Level = .info
    public var format: Format = .json

    public init(level: Level = .info, format: Format = .json) {
        self.level = level
        self.format = format
    }

    private enum CodingKeys: String, CodingKey { case level, format }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        level = try container.decodeIfPresent(Level.self, forKey: .level) ?? .info
        format = try container.decodeIfPresent(Format.self, forKey: .format) ?? .json
    }
}
