import Exporters
import Pipeline
import YAML

/// The keys every exporter shares — `batch`, `retry`, `buffer`, `concurrency` — read from
/// the exporter's own mapping next to its type-specific keys. The shared delivery loop and
/// the exporter's buffer are built from these.
public struct DeliverySettings: Decodable, Sendable, Equatable {
    public struct Batch: Decodable, Sendable, Equatable {
        public var maxEvents = 1000
        public var maxBytes = ByteSize(bytes: 1 << 20)
        public var maxWait = ConfigDuration(.seconds(1))

        enum CodingKeys: String, CodingKey {
            case maxEvents = "max_events"
            case maxBytes = "max_bytes"
            case maxWait = "max_wait"
        }

        public init() {}

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            maxEvents = try container.decodeIfPresent(Int.self, forKey: .maxEvents) ?? maxEvents
            maxBytes = try container.decodeIfPresent(ByteSize.self, forKey: .maxBytes) ?? maxBytes
            maxWait = try container.decodeIfPresent(ConfigDuration.self, forKey: .maxWait) ?? maxWait
        }

        public var limits: BatchLimits {
            BatchLimits(maxEvents: maxEvents, maxBytes: maxBytes.bytes, maxWait: maxWait.duration)
        }
    }

    public struct Retry: Decodable, Sendable, Equatable {
        public var initialBackoff = ConfigDuration(.milliseconds(500))
        public var maxBackoff = ConfigDuration(.seconds(30))
        /// How long one batch is retried before it is dropped and counted; 0 retries forever.
        public var maxElapsed = ConfigDuration(.seconds(600))

        enum CodingKeys: String, CodingKey {
            case initialBackoff = "initial_backoff"
            case maxBackoff = "max_backoff"
            case maxElapsed = "max_elapsed"
        }

        public init() {}

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            initialBackoff = try container.decodeIfPresent(ConfigDuration.self, forKey: .initialBackoff) ?? initialBackoff
            maxBackoff = try container.decodeIfPresent(ConfigDuration.self, forKey: .maxBackoff) ?? maxBackoff
            maxElapsed = try container.decodeIfPresent(ConfigDuration.self, forKey: .maxElapsed) ?? maxElapsed
        }

        public var policy: RetryPolicy {
            RetryPolicy(initialBackoff: initialBackoff.duration, maxBackoff: maxBackoff.duration, maxElapsed: maxElapsed.duration)
        }
    }

    public struct Buffer: Decodable, Sendable, Equatable {
        public enum Kind: String, ConfigEnum { case memory, disk }
        public enum Policy: String, ConfigEnum {
            case block
            case dropNewest = "drop_newest"
            case dropOldest = "drop_oldest"
        }
        public enum Sync: String, ConfigEnum { case always, interval, never }

        public static let defaultMemorySize = ByteSize(bytes: 8 << 20)
        public static let defaultDiskSize = ByteSize(bytes: 256 << 20)

        public var type = Kind.memory
        /// Directory of the disk buffer's segment files; required for `disk`.
        public var path: String?
        /// Bytes held (memory: estimated size of queued and in-flight events; disk: segment files).
        public var maxSize: ByteSize?
        public var maxEvents: Int?
        public var whenFull = Policy.block
        /// Disk only: when appended records are fsynced.
        public var sync = Sync.interval
        public var syncInterval = ConfigDuration(.seconds(1))

        enum CodingKeys: String, CodingKey {
            case type, path, sync
            case maxSize = "max_size"
            case maxEvents = "max_events"
            case whenFull = "when_full"
            case syncInterval = "sync_interval"
        }

        public init() {}

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            type = try container.decodeIfPresent(Kind.self, forKey: .type) ?? type
            path = try container.decodeIfPresent(String.self, forKey: .path)
            maxSize = try container.decodeIfPresent(ByteSize.self, forKey: .maxSize)
            maxEvents = try container.decodeIfPresent(Int.self, forKey: .maxEvents)
            whenFull = try container.decodeIfPresent(Policy.self, forKey: .whenFull) ?? whenFull
            sync = try container.decodeIfPresent(Sync.self, forKey: .sync) ?? sync
            syncInterval = try container.decodeIfPresent(ConfigDuration.self, forKey: .syncInterval) ?? syncInterval
        }

        public var effectiveMaxSize: ByteSize {
            maxSize ?? (type == .memory ? Self.defaultMemorySize : Self.defaultDiskSize)
        }

        public var policy: WhenFull {
            switch whenFull {
            case .block: .block
            case .dropNewest: .dropNewest
            case .dropOldest: .dropOldest
            }
        }
    }

    public var batch = Batch()
    public var retry = Retry()
    public var buffer = Buffer()
    /// Batches in flight at once to this exporter's backend.
    public var concurrency = 2

    enum CodingKeys: String, CodingKey { case batch, retry, buffer, concurrency }

    public init() {}

    /// Decodes from the exporter's mapping; the exporter decodes its own keys from the same
    /// decoder, and unknown-key checking sees both sets as known.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        batch = try container.decodeIfPresent(Batch.self, forKey: .batch) ?? batch
        retry = try container.decodeIfPresent(Retry.self, forKey: .retry) ?? retry
        buffer = try container.decodeIfPresent(Buffer.self, forKey: .buffer) ?? buffer
        concurrency = try container.decodeIfPresent(Int.self, forKey: .concurrency) ?? concurrency
    }

    public func validate() -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        if batch.maxEvents < 1 { problems.append(ConfigProblem("must be at least 1", at: "batch", "max_events")) }
        if batch.maxBytes.bytes < 1 { problems.append(ConfigProblem("must be at least 1B", at: "batch", "max_bytes")) }
        if !(1...64).contains(concurrency) { problems.append(ConfigProblem("must be between 1 and 64", at: "concurrency")) }
        if retry.initialBackoff.nanoseconds <= 0 {
            problems.append(ConfigProblem("must be more than 0s", at: "retry", "initial_backoff"))
        }
        if retry.maxBackoff.nanoseconds < retry.initialBackoff.nanoseconds {
            problems.append(ConfigProblem("must not be less than initial_backoff", at: "retry", "max_backoff"))
        }
        if buffer.type == .disk {
            if let path = buffer.path {
                if !path.hasPrefix("/") { problems.append(ConfigProblem("must be an absolute path, got \"\(path)\"", at: "buffer", "path")) }
            } else {
                problems.append(ConfigProblem("a disk buffer needs path: (a directory of its own)", at: "buffer"))
            }
        } else {
            if buffer.path != nil { problems.append(ConfigProblem("only a disk buffer takes a path", at: "buffer", "path")) }
        }
        if buffer.effectiveMaxSize.bytes < 1024 { problems.append(ConfigProblem("must be at least 1KiB", at: "buffer", "max_size")) }
        if let maxEvents = buffer.maxEvents, maxEvents < 1 {
            problems.append(ConfigProblem("must be at least 1", at: "buffer", "max_events"))
        }
        if buffer.effectiveMaxSize.bytes < batch.maxBytes.bytes {
            problems.append(ConfigProblem(
                "buffer.max_size (\(buffer.effectiveMaxSize)) is smaller than batch.max_bytes (\(batch.maxBytes)): a batch could never fill",
                at: "buffer", "max_size"))
        }
        return problems
    }
}
