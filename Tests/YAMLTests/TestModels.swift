import YAML

// Small schemas shaped like real configuration sections, so the decoder is exercised the
// way the agent uses it: snake_case keys, optional settings, nested sections, maps of
// named components and lists.

struct Exporter: Decodable, Equatable, Sendable {
    var endpoint: String
    var timeout: ConfigDuration?
    var headers: [String: String]?
    var compression: String?
}

struct Listener: Decodable, Equatable, Sendable {
    var listen: HostPort
    var shutdownTimeout: ConfigDuration

    enum CodingKeys: String, CodingKey {
        case listen
        case shutdownTimeout = "shutdown_timeout"
    }
}

struct Buffer: Decodable, Equatable, Sendable {
    var maxSize: ByteSize
    var sampling: Ratio?
    var whenFull: WhenFull?

    enum CodingKeys: String, CodingKey {
        case maxSize = "max_size"
        case sampling
        case whenFull = "when_full"
    }
}

enum WhenFull: String, Decodable, Sendable {
    case block
    case dropNewest = "drop_newest"
    case dropOldest = "drop_oldest"
}

struct Pipeline: Decodable, Equatable, Sendable {
    var sources: [String]
    var exporters: [String]
}

struct Pipelines: Decodable, Equatable, Sendable {
    var pipelines: [String: Pipeline]
}

struct Numbers: Decodable, Equatable, Sendable {
    var int: Int?
    var int8: Int8?
    var uint16: UInt16?
    var uint64: UInt64?
    var int128: Int128?
    var double: Double?
    var float: Float?
    var bool: Bool?
    var string: String?
}

struct Service: Decodable, Equatable, Sendable {
    var name: String
    var attributes: [String: String]?
    var tags: [String]?
}

struct Wrapper<Value: Decodable & Equatable & Sendable>: Decodable, Equatable, Sendable {
    var value: Value
}

/// Validates after decoding, throwing an error that is not a `DecodingError`.
struct Backoff: Decodable, Equatable, Sendable {
    var initial: ConfigDuration
    var max: ConfigDuration

    struct Inverted: Error, CustomStringConvertible {
        var description: String { "initial must not exceed max" }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        initial = try container.decode(ConfigDuration.self, forKey: .initial)
        max = try container.decode(ConfigDuration.self, forKey: .max)
        guard initial <= max else { throw Inverted() }
    }

    enum CodingKeys: String, CodingKey {
        case initial, max
    }
}

/// Rejects a value with `dataCorruptedError(forKey:)`, the usual way to report a bad field.
struct Level: Decodable, Equatable, Sendable {
    var level: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        level = try container.decode(String.self, forKey: .level)
        guard ["debug", "info", "warn", "error"].contains(level) else {
            throw DecodingError.dataCorruptedError(forKey: .level, in: container,
                debugDescription: "expected one of debug, info, warn, error, got \"\(level)\"")
        }
    }

    enum CodingKeys: String, CodingKey {
        case level
    }
}
