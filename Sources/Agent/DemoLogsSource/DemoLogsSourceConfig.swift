import ServiceLifecycle
import Telemetry
import YAML

/// `type: demo_logs` — generated log lines with sequence numbers (Vector's `demo_logs`,
/// Fluent Bit's `dummy`): for trying a pipeline out, for benchmarks, and for tests that
/// prove delivery end to end. Each body reads `seq=N stream=NAME level=info msg="…"`, which
/// the test sink checks for gaps and duplicates.
public struct DemoLogsSourceConfig: SourceConfig {
    public static let typeName = "demo_logs"
    public static let signals: Set<Signal> = [.logs]

    /// Events per second; 0 sends as fast as the pipeline takes them.
    public var rate = 10.0
    /// Events in all, counting those sent before a restart; 0 never stops.
    public var count = 0
    public var batchSize = 100
    /// Padding added to each body, to try realistic line sizes.
    public var bodyBytes = 0
    /// The stream name in each body; the source's name by default.
    public var stream: String?
    /// Where the next sequence number is kept, advanced only as batches are acknowledged,
    /// so a restart resumes after what was delivered or durably buffered.
    public var checkpointDir: String?

    enum CodingKeys: String, CodingKey {
        case rate, count, stream
        case batchSize = "batch_size"
        case bodyBytes = "body_bytes"
        case checkpointDir = "checkpoint_dir"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        rate = try container.decodeIfPresent(Double.self, forKey: .rate) ?? rate
        count = try container.decodeIfPresent(Int.self, forKey: .count) ?? count
        batchSize = try container.decodeIfPresent(Int.self, forKey: .batchSize) ?? batchSize
        bodyBytes = try container.decodeIfPresent(Int.self, forKey: .bodyBytes) ?? bodyBytes
        stream = try container.decodeIfPresent(String.self, forKey: .stream)
        checkpointDir = try container.decodeIfPresent(String.self, forKey: .checkpointDir)
    }

    public func validate() -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        if rate < 0 || !rate.isFinite { problems.append(ConfigProblem("must be 0 (unlimited) or more", at: "rate")) }
        if count < 0 { problems.append(ConfigProblem("must be 0 (unlimited) or more", at: "count")) }
        if !(1...100_000).contains(batchSize) { problems.append(ConfigProblem("must be between 1 and 100000", at: "batch_size")) }
        if !(0...1 << 20).contains(bodyBytes) { problems.append(ConfigProblem("must be between 0 and 1048576", at: "body_bytes")) }
        if let stream, stream.isEmpty || stream.utf8.contains(where: { $0 <= 32 || $0 == UInt8(ascii: "\"") }) {
            problems.append(ConfigProblem("must be a non-empty word without spaces or quotes", at: "stream"))
        }
        if let checkpointDir, !checkpointDir.hasPrefix("/") {
            problems.append(ConfigProblem("must be an absolute path, got \"\(checkpointDir)\"", at: "checkpoint_dir"))
        }
        return problems
    }

    public func makeService(_ context: ComponentContext) throws -> any Service {
        DemoLogsSource(config: self, context: context)
    }
}
