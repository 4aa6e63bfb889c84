import Telemetry

/// How a file's lines are written (`format:` in a file_logs source).
public enum LogFormat: String, Sendable, Hashable, CaseIterable {
    /// Plain text; a traceparent or `trace_id=` token is lifted when present.
    case text
    /// One JSON object per line; known fields are lifted (`JSONLogFields`).
    case json
    /// Kubernetes CRI container logs (containerd, CRI-O), partial lines reassembled.
    case cri
    /// Docker's json-file driver, split entries reassembled.
    case docker
}

/// Why a line could not be decoded as its format says. The line is never lost: it becomes
/// a text record, and the failure is reported with it and counted in `DecodeStats`.
public enum DecodeFailure: Sendable, Hashable {
    case malformedJSON
    case malformedCRI
    case malformedDocker
}

/// Counters a source exports as metrics.
public struct DecodeStats: Sendable, Hashable {
    /// Framed lines fed in, fragments included.
    public var lines = 0
    /// Records handed out.
    public var records = 0
    /// Lines that did not parse as their format and went out as text.
    public var malformed = 0
    /// Records cut at `maxLineBytes` while reassembling fragments.
    public var truncated = 0

    public init() {}
}

/// A record and what went wrong making it, if anything.
public struct DecodedLine: Sendable, Hashable {
    public var record: LogRecord
    public var failure: DecodeFailure?
    /// The reassembled line was longer than `maxLineBytes` and was cut.
    public var truncated: Bool
}

/// Turns framed lines of one file into LogRecords. One decoder per file: it keeps that
/// file's unfinished CRI / Docker fragments between calls.
///
/// - For `cri` and `docker` the envelope gives the time and the stream (`log.iostream`),
///   and the container's own line is then decoded as JSON when it looks like an object
///   (first non-blank byte `{`), else as text: a pod's logs are CRI-wrapped JSON as often
///   as not, and asking users to say so twice helps nobody. A container line that merely
///   starts with `{` and is not JSON is plain text, not a failure.
/// - The body is the `message` field when a JSON line has one, else the original line
///   (for CRI / Docker the container's line, without the envelope): exporters must show
///   something readable, and the lifted fields are already in their own slots.
/// - Timestamps: the JSON line's own, else the envelope's, else none (the observed time
///   is always set).
/// - Every record carries `log.file.path`. Resource attributes are not per record: they
///   travel on the `TelemetryBatch` the source builds from these records.
public struct LogDecoder: Sendable {
    public let format: LogFormat
    public private(set) var filePath: String
    public private(set) var stats = DecodeStats()
    // Built once per path and stream: every record shares the storage (no allocation per line).
    private var attributesByStream: [Attributes] = []

    private let matcher: JSONFieldMatcher
    private var reassembler: CRIReassembler
    private var scratch: [UInt8] = []
    /// Level words seen in this file and their severities: a file uses a handful, and
    /// this saves a String per line.
    private var severityCache: [(bytes: [UInt8], severity: Severity)] = []

    public static let filePathAttribute = "log.file.path"
    public static let streamAttribute = "log.iostream"

    public init(
        format: LogFormat, filePath: String, fields: JSONLogFields = JSONLogFields(), maxLineBytes: Int = 256 * 1024
    ) {
        self.format = format
        self.filePath = filePath
        self.matcher = JSONFieldMatcher(fields)
        self.reassembler = CRIReassembler(maxLineBytes: maxLineBytes)
        attributesByStream = Self.attributeSets(filePath)
    }

    /// The file was renamed (rotation): later records carry the new path.
    public mutating func rename(filePath: String) {
        self.filePath = filePath
        attributesByStream = Self.attributeSets(filePath)
    }

    /// A CRI / Docker line is waiting for its last fragment.
    public var hasPendingFragments: Bool { reassembler.hasPendingLine }

    private static func attributeSets(_ filePath: String) -> [Attributes] {
        [nil, LogStream.stdout, LogStream.stderr].map { stream in
            var attributes = Attributes()
            attributes[filePathAttribute] = .string(filePath)
            if let stream { attributes[streamAttribute] = .string(stream.name) }
            return attributes
        }
    }

    /// Decodes one framed line (no trailing newline). Nil while a CRI / Docker line is
    /// still partial; its record comes with the fragment that completes it.
    public mutating func decode(_ line: UnsafeRawBufferPointer, observedAt observed: Timestamp) -> DecodedLine? {
        stats.lines += 1
        let decoded: DecodedLine?
        switch format {
        case .text:
            decoded = DecodedLine(record: textRecord(line, observed), failure: nil, truncated: false)
        case .json:
            decoded = contentRecord(line, observed, envelopeTime: nil, stream: nil, jsonExpected: true)
        case .cri:
            if let cri = CRILine(line) {
                let content = UnsafeRawBufferPointer(rebasing: line[cri.contentStart...])
                let output = reassembler.feed(stream: cri.stream, isPartial: cri.isPartial, content: content)
                decoded = reassembled(output, content, observed, envelopeTime: cri.time, stream: cri.stream)
            } else {
                decoded = DecodedLine(record: textRecord(line, observed), failure: .malformedCRI, truncated: false)
            }
        case .docker:
            scratch.removeAll(keepingCapacity: true)
            if let docker = DockerJSONLine(line, content: &scratch) {
                let stream = docker.stream ?? .stdout
                let content = scratch
                decoded = content.withUnsafeBytes { content in
                    let output = reassembler.feed(stream: stream, isPartial: docker.isPartial, content: content)
                    return reassembled(output, content, observed, envelopeTime: docker.time, stream: docker.stream)
                }
            } else {
                decoded = DecodedLine(record: textRecord(line, observed), failure: .malformedDocker, truncated: false)
            }
        }
        if let decoded {
            stats.records += 1
            if decoded.failure != nil { stats.malformed += 1 }
            if decoded.truncated { stats.truncated += 1 }
        }
        return decoded
    }

    /// `decode`, appending the record (if the line completes one) to `records`: the tailer's
    /// path, without the `DecodedLine` around each record. Failures are counted in `stats`.
    public mutating func decode(_ line: UnsafeRawBufferPointer, observedAt observed: Timestamp, appendingTo records: inout [LogRecord]) {
        if format == .text {
            // The common case, kept free of the wrapper and its copies.
            stats.lines += 1
            stats.records += 1
            records.append(textRecord(line, observed))
        } else if let decoded = decode(line, observedAt: observed) {
            records.append(decoded.record)
        }
    }

    public mutating func decode(_ line: [UInt8], observedAt observed: Timestamp) -> DecodedLine? {
        line.withUnsafeBytes { decode($0, observedAt: observed) }
    }

    public mutating func decode(_ line: ArraySlice<UInt8>, observedAt observed: Timestamp) -> DecodedLine? {
        line.withUnsafeBytes { decode($0, observedAt: observed) }
    }

    /// Lines still waiting for their last fragment, handed out as they are (at end of
    /// file, rotation or shutdown), marked truncated.
    public mutating func flush(observedAt observed: Timestamp) -> [DecodedLine] {
        let flushed = reassembler.flush().map { line in
            var result = line.content.withUnsafeBytes {
                contentRecord($0, observed, envelopeTime: nil, stream: line.stream, jsonExpected: false)
            }
            result.truncated = true
            return result
        }
        stats.records += flushed.count
        stats.truncated += flushed.count
        return flushed
    }

    private mutating func reassembled(
        _ output: CRIReassembler.Output, _ content: UnsafeRawBufferPointer, _ observed: Timestamp,
        envelopeTime: Timestamp?, stream: LogStream?
    ) -> DecodedLine? {
        switch output {
        case .pending:
            return nil
        case .whole(let length, let truncated):
            let line = UnsafeRawBufferPointer(rebasing: content[0..<length])
            var result = contentRecord(line, observed, envelopeTime: envelopeTime, stream: stream, jsonExpected: false)
            result.truncated = truncated
            return result
        case .joined(let bytes, let truncated):
            var result = bytes.withUnsafeBytes {
                contentRecord($0, observed, envelopeTime: envelopeTime, stream: stream, jsonExpected: false)
            }
            result.truncated = truncated
            return result
        }
    }

    // MARK: - Records

    private func baseAttributes(_ stream: LogStream?) -> Attributes {
        switch stream {
        case nil: attributesByStream[0]
        case .stdout: attributesByStream[1]
        case .stderr: attributesByStream[2]
        }
    }

    private func textRecord(
        _ content: UnsafeRawBufferPointer, _ observed: Timestamp, time: Timestamp? = nil, stream: LogStream? = nil
    ) -> LogRecord {
        var record = LogRecord(
            timestamp: time, observedTimestamp: observed, body: Array(content), attributes: baseAttributes(stream))
        if let context = TextTraceContext.find(in: content) {
            record.traceID = context.traceID
            record.spanID = context.spanID
            record.flags = context.flags
        }
        return record
    }

    private mutating func contentRecord(
        _ content: UnsafeRawBufferPointer, _ observed: Timestamp, envelopeTime: Timestamp?, stream: LogStream?,
        jsonExpected: Bool
    ) -> DecodedLine {
        let looksLikeJSON = jsonExpected || {
            let first = JSONObjectScanner.skipWhitespace(content, 0)
            return first < content.count && content[first] == UInt8(ascii: "{")
        }()
        guard looksLikeJSON, let fields = matcher.extract(content) else {
            let record = textRecord(content, observed, time: envelopeTime, stream: stream)
            return DecodedLine(record: record, failure: jsonExpected ? .malformedJSON : nil, truncated: false)
        }
        var record = LogRecord(
            timestamp: fields.timestamp ?? envelopeTime, observedTimestamp: observed, body: [],
            attributes: baseAttributes(stream), traceID: fields.traceID, spanID: fields.spanID, flags: fields.flags)
        if let message = fields.message {
            record.body.reserveCapacity(message.count)
            JSONObjectScanner.unescape(content, message, into: &record.body)
        } else {
            record.body = Array(content)
        }
        if let level = fields.level { record.severity = severity(content, level) }
        if let correlation = fields.correlationID {
            record.attributes[JSONLogFields.correlationIDAttribute] = .string(Self.string(content, correlation))
        }
        if let user = fields.userID {
            record.attributes[JSONLogFields.userIDAttribute] = .string(Self.string(content, user))
        }
        return DecodedLine(record: record, failure: nil, truncated: false)
    }

    private static func string(_ content: UnsafeRawBufferPointer, _ token: JSONToken) -> String {
        var bytes: [UInt8] = []
        JSONObjectScanner.unescape(content, token, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Level words through `Severity(levelName:)`; unknown words keep their text with
    /// number 0. Numbers: pino / bunyan's 10–60 steps, else 1–24 as OTel numbers.
    private mutating func severity(_ content: UnsafeRawBufferPointer, _ token: JSONToken) -> Severity {
        let raw = DecodingBytes.slice(content, token)
        if token.kind == .number { return Self.numericSeverity(raw) }
        for entry in severityCache {
            if entry.bytes.withUnsafeBytes({ DecodingBytes.equal($0, raw) }) { return entry.severity }
        }
        var word: [UInt8] = []
        JSONObjectScanner.unescape(content, token, into: &word)
        let severity = Severity(levelName: word) ?? Severity(number: 0, text: String(decoding: word, as: UTF8.self))
        if severityCache.count < 32 { severityCache.append((Array(raw), severity)) }
        return severity
    }

    private static func numericSeverity(_ raw: UnsafeRawBufferPointer) -> Severity {
        var value = 0
        for byte in raw {
            guard JSONObjectScanner.isDigit(byte), value < 1000 else { return .unspecified }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        switch value {
        case 10: return .trace
        case 20: return .debug
        case 30: return .info
        case 40: return .warn
        case 50: return .error
        case 60: return .fatal
        case 1...24: return Severity(number: UInt8(value))
        default: return .unspecified
        }
    }
}
