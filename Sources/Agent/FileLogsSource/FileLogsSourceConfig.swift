import LogTail
import ServiceLifecycle
import Telemetry
import YAML

extension LogFormat: ConfigEnum {}
extension TextEncoding: ConfigEnum {}
extension StartPosition: ConfigEnum {}
extension OverlongLinePolicy: ConfigEnum {}

/// `type: file_logs` — follows log files (Fluent Bit's `tail`, Vector's `file`): globs,
/// rotation by fingerprint, checkpoints advanced only by acknowledged data, multi-line
/// joining, JSON / CRI / Docker decoding with trace context lifted into the record.
public struct FileLogsSourceConfig: SourceConfig {
    public static let typeName = "file_logs"
    public static let signals: Set<Signal> = [.logs]

    /// `multiline:` — one of the two patterns (LinePattern syntax), and the limits of an event.
    public struct Multiline: Decodable, Sendable, Equatable {
        public var startPattern: String?
        public var continuationPattern: String?
        public var maxLines = 500
        public var maxBytes = ByteSize(bytes: 1 << 20)
        public var timeout = ConfigDuration(.seconds(2))

        enum CodingKeys: String, CodingKey {
            case startPattern = "start_pattern"
            case continuationPattern = "continuation_pattern"
            case maxLines = "max_lines"
            case maxBytes = "max_bytes"
            case timeout
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            startPattern = try container.decodeIfPresent(String.self, forKey: .startPattern)
            continuationPattern = try container.decodeIfPresent(String.self, forKey: .continuationPattern)
            maxLines = try container.decodeIfPresent(Int.self, forKey: .maxLines) ?? maxLines
            maxBytes = try container.decodeIfPresent(ByteSize.self, forKey: .maxBytes) ?? maxBytes
            timeout = try container.decodeIfPresent(ConfigDuration.self, forKey: .timeout) ?? timeout
        }
    }

    /// `fields:` — the JSON keys each record field is lifted from (a word or a list, most
    /// preferred first); unset roles keep their defaults (`JSONLogFields`).
    public struct Fields: Decodable, Sendable, Equatable {
        public var timestamp, level, message, traceID, spanID, traceparent, correlationID, userID: [String]?

        enum CodingKeys: String, CodingKey {
            case timestamp, level, message, traceparent
            case traceID = "trace_id"
            case spanID = "span_id"
            case correlationID = "correlation_id"
            case userID = "user_id"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            func names(_ key: CodingKeys) throws -> [String]? {
                if let one = try? container.decodeIfPresent(String.self, forKey: key) { return [one] }
                return try container.decodeIfPresent([String].self, forKey: key)
            }
            timestamp = try names(.timestamp)
            level = try names(.level)
            message = try names(.message)
            traceID = try names(.traceID)
            spanID = try names(.spanID)
            traceparent = try names(.traceparent)
            correlationID = try names(.correlationID)
            userID = try names(.userID)
        }

        var resolved: JSONLogFields {
            let d = JSONLogFields()
            return JSONLogFields(
                timestamp: timestamp ?? d.timestamp, level: level ?? d.level, message: message ?? d.message,
                traceID: traceID ?? d.traceID, spanID: spanID ?? d.spanID, traceparent: traceparent ?? d.traceparent,
                correlationID: correlationID ?? d.correlationID, userID: userID ?? d.userID)
        }
    }

    public var include: [String] = []
    public var exclude: [String] = []
    public var format = LogFormat.text
    public var encoding = TextEncoding.utf8
    public var startAt = StartPosition.beginning
    public var maxLineBytes = ByteSize(bytes: 256 * 1024)
    public var overlongLines = OverlongLinePolicy.truncate
    /// A last line without its newline is sent after this long without new bytes.
    public var partialLineTimeout = ConfigDuration(.seconds(5))
    /// Without it, positions live in memory only: a restart reads from `start_at` again.
    public var checkpointDir: String?
    public var checkpointInterval = ConfigDuration(.seconds(1))
    /// Checkpoints of files not seen for this long are forgotten.
    public var checkpointRetention = ConfigDuration(.seconds(24 * 3600))
    public var fingerprintBytes = ByteSize(bytes: 256)
    public var rescanInterval = ConfigDuration(.seconds(5))
    /// How often open files are tried for new bytes when no change notification came.
    public var pollInterval = ConfigDuration(.milliseconds(250))
    /// inotify on the watched directories (falls back to polling where unavailable).
    public var watch = true
    public var maxOpenFiles = 256
    public var readBufferBytes = ByteSize(bytes: 256 * 1024)
    /// How long a rotated-away or deleted file stays open after its last byte.
    public var rotateWait = ConfigDuration(.seconds(5))
    public var multiline: Multiline?
    public var fields: Fields?

    enum CodingKeys: String, CodingKey {
        case include, exclude, format, encoding, watch, multiline, fields
        case startAt = "start_at"
        case maxLineBytes = "max_line_bytes"
        case overlongLines = "overlong_lines"
        case partialLineTimeout = "partial_line_timeout"
        case checkpointDir = "checkpoint_dir"
        case checkpointInterval = "checkpoint_interval"
        case checkpointRetention = "checkpoint_retention"
        case fingerprintBytes = "fingerprint_bytes"
        case rescanInterval = "rescan_interval"
        case pollInterval = "poll_interval"
        case maxOpenFiles = "max_open_files"
        case readBufferBytes = "read_buffer"
        case rotateWait = "rotate_wait"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        include = try c.decode([String].self, forKey: .include)
        exclude = try c.decodeIfPresent([String].self, forKey: .exclude) ?? exclude
        format = try c.decodeIfPresent(LogFormat.self, forKey: .format) ?? format
        encoding = try c.decodeIfPresent(TextEncoding.self, forKey: .encoding) ?? encoding
        startAt = try c.decodeIfPresent(StartPosition.self, forKey: .startAt) ?? startAt
        maxLineBytes = try c.decodeIfPresent(ByteSize.self, forKey: .maxLineBytes) ?? maxLineBytes
        overlongLines = try c.decodeIfPresent(OverlongLinePolicy.self, forKey: .overlongLines) ?? overlongLines
        partialLineTimeout = try c.decodeIfPresent(ConfigDuration.self, forKey: .partialLineTimeout) ?? partialLineTimeout
        checkpointDir = try c.decodeIfPresent(String.self, forKey: .checkpointDir)
        checkpointInterval = try c.decodeIfPresent(ConfigDuration.self, forKey: .checkpointInterval) ?? checkpointInterval
        checkpointRetention = try c.decodeIfPresent(ConfigDuration.self, forKey: .checkpointRetention) ?? checkpointRetention
        fingerprintBytes = try c.decodeIfPresent(ByteSize.self, forKey: .fingerprintBytes) ?? fingerprintBytes
        rescanInterval = try c.decodeIfPresent(ConfigDuration.self, forKey: .rescanInterval) ?? rescanInterval
        pollInterval = try c.decodeIfPresent(ConfigDuration.self, forKey: .pollInterval) ?? pollInterval
        watch = try c.decodeIfPresent(Bool.self, forKey: .watch) ?? watch
        maxOpenFiles = try c.decodeIfPresent(Int.self, forKey: .maxOpenFiles) ?? maxOpenFiles
        readBufferBytes = try c.decodeIfPresent(ByteSize.self, forKey: .readBufferBytes) ?? readBufferBytes
        rotateWait = try c.decodeIfPresent(ConfigDuration.self, forKey: .rotateWait) ?? rotateWait
        multiline = try c.decodeIfPresent(Multiline.self, forKey: .multiline)
        fields = try c.decodeIfPresent(Fields.self, forKey: .fields)
    }

    public func validate() -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        if include.isEmpty { problems.append(ConfigProblem("must list at least one glob", at: "include")) }
        for (key, list) in [("include", include), ("exclude", exclude)] {
            for (index, glob) in list.enumerated() {
                do { _ = try GlobPattern(glob) } catch { problems.append(ConfigProblem("\(error)", at: key, "[\(index)]")) }
            }
        }
        if !(64...(64 << 20)).contains(maxLineBytes.bytes) {
            problems.append(ConfigProblem("must be between 64B and 64MiB", at: "max_line_bytes"))
        }
        if let checkpointDir, !checkpointDir.hasPrefix("/") {
            problems.append(ConfigProblem("must be an absolute path, got \"\(checkpointDir)\"", at: "checkpoint_dir"))
        }
        for (key, value, minimum) in [
            ("partial_line_timeout", partialLineTimeout, Duration.milliseconds(1)),
            ("checkpoint_interval", checkpointInterval, .milliseconds(10)), ("checkpoint_retention", checkpointRetention, .seconds(1)),
            ("rescan_interval", rescanInterval, .milliseconds(10)), ("poll_interval", pollInterval, .milliseconds(1)),
            ("rotate_wait", rotateWait, .zero),
        ] where value.duration < minimum {
            problems.append(ConfigProblem("must be at least \(ConfigDuration(minimum))", at: key))
        }
        if !(16...(64 * 1024)).contains(fingerprintBytes.bytes) {
            problems.append(ConfigProblem("must be between 16B and 64KiB", at: "fingerprint_bytes"))
        }
        if !(1...65_536).contains(maxOpenFiles) { problems.append(ConfigProblem("must be between 1 and 65536", at: "max_open_files")) }
        if !(4096...(16 << 20)).contains(readBufferBytes.bytes) {
            problems.append(ConfigProblem("must be between 4KiB and 16MiB", at: "read_buffer"))
        }
        if let multiline {
            switch (multiline.startPattern, multiline.continuationPattern) {
            case (nil, nil), (.some, .some):
                problems.append(ConfigProblem("needs exactly one of start_pattern and continuation_pattern", at: "multiline"))
            case (let start?, nil):
                do { _ = try LinePattern(start) } catch { problems.append(ConfigProblem("\(error)", at: "multiline", "start_pattern")) }
            case (nil, let continuation?):
                do { _ = try LinePattern(continuation) } catch {
                    problems.append(ConfigProblem("\(error)", at: "multiline", "continuation_pattern"))
                }
            }
            if format == .cri || format == .docker {
                problems.append(ConfigProblem(
                    "joins raw file lines, and every \(format.rawValue) line starts with the runtime's envelope: use format text or json",
                    at: "multiline"))
            }
            if multiline.maxLines < 1 { problems.append(ConfigProblem("must be at least 1", at: "multiline", "max_lines")) }
            if multiline.maxBytes.bytes < 1 { problems.append(ConfigProblem("must be at least 1B", at: "multiline", "max_bytes")) }
        }
        return problems
    }

    /// The tailer's configuration; call after `validate` found nothing.
    func tailerConfiguration() throws -> TailerConfiguration {
        var joiner: MultilineJoiner.Configuration?
        if let multiline {
            let mode: MultilineJoiner.Mode =
                if let start = multiline.startPattern { .startPattern(try LinePattern(start)) } else {
                    .continuationPattern(try LinePattern(multiline.continuationPattern ?? ""))
                }
            joiner = MultilineJoiner.Configuration(
                mode: mode, maxLines: multiline.maxLines, maxBytes: multiline.maxBytes.bytes, timeout: multiline.timeout.duration)
        }
        return TailerConfiguration(
            scanner: try PathScanner(include: include, exclude: exclude), format: format, encoding: encoding, startAt: startAt,
            framing: LineFramer.Configuration(
                maxLineBytes: maxLineBytes.bytes, overlongPolicy: overlongLines, partialLineTimeout: partialLineTimeout.duration),
            multiline: joiner, fields: fields?.resolved ?? JSONLogFields(),
            fingerprinter: Fingerprinter(checksumBytes: fingerprintBytes.bytes), maxOpenFiles: maxOpenFiles,
            readChunkBytes: readBufferBytes.bytes, rotateWait: rotateWait.duration)
    }

    public func makeService(_ context: ComponentContext) throws -> any Service {
        FileLogsSource(config: self, tailer: try tailerConfiguration(), context: context)
    }
}
