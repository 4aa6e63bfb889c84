import Telemetry

/// Which top-level keys of a JSON log line carry which LogRecord field. Each role lists
/// the spellings to accept, most preferred first: when a line has two (`level` and
/// `severity`), the earlier one in the list wins whatever their order in the line.
public struct JSONLogFields: Sendable, Hashable {
    public var timestamp: [String]
    public var level: [String]
    public var message: [String]
    public var traceID: [String]
    public var spanID: [String]
    public var traceparent: [String]
    public var correlationID: [String]
    public var userID: [String]

    public init(
        timestamp: [String] = ["timestamp", "time", "ts", "@timestamp"],
        level: [String] = ["level", "severity", "lvl", "log.level", "loglevel"],
        message: [String] = ["message", "msg"],
        traceID: [String] = ["trace_id", "traceId", "traceID", "trace.id"],
        spanID: [String] = ["span_id", "spanId", "spanID", "span.id"],
        traceparent: [String] = ["traceparent"],
        correlationID: [String] = ["correlation_id", "correlationId", "request_id", "requestId"],
        userID: [String] = ["user_id", "userId", "user.id"]
    ) {
        self.timestamp = timestamp
        self.level = level
        self.message = message
        self.traceID = traceID
        self.spanID = spanID
        self.traceparent = traceparent
        self.correlationID = correlationID
        self.userID = userID
    }

    /// The attribute keys the two lifted string fields land in: `user.id` is the OTel
    /// semantic-convention name; correlation ids have none, so the log's own word stays.
    public static let correlationIDAttribute = "correlation_id"
    public static let userIDAttribute = "user.id"
}

/// What one JSON log line yielded. Ranges point into the scanned bytes, so nothing is
/// copied until the decoder knows it wants it.
public struct JSONLogExtract: Sendable {
    public var timestamp: Timestamp?
    public var level: JSONToken?
    public var message: JSONToken?
    public var traceID: TraceID?
    public var spanID: SpanID?
    public var flags: UInt8 = 0
    public var correlationID: JSONToken?
    public var userID: JSONToken?

    public init() {}
}

/// `JSONLogFields` compiled for matching keys as bytes.
public struct JSONFieldMatcher: Sendable {
    enum Role {
        case timestamp, level, message, traceID, spanID, traceparent, correlationID, userID
    }

    /// All names back to back in one buffer, and per name where it is, its role and its
    /// preference. A log line has ~5 keys and the table ~30 names; comparing the length
    /// first rejects nearly all at once, and one flat buffer means no reference counting
    /// per comparison.
    private let nameBytes: [UInt8]
    private let names: [(start: Int, count: Int, role: Role, rank: Int)]

    public init(_ fields: JSONLogFields = JSONLogFields()) {
        var nameBytes: [UInt8] = []
        var names: [(start: Int, count: Int, role: Role, rank: Int)] = []
        let lists: [(Role, [String])] = [
            (.timestamp, fields.timestamp), (.level, fields.level), (.message, fields.message),
            (.traceID, fields.traceID), (.spanID, fields.spanID), (.traceparent, fields.traceparent),
            (.correlationID, fields.correlationID), (.userID, fields.userID),
        ]
        for (role, list) in lists {
            for (rank, name) in list.enumerated() {
                names.append((nameBytes.count, name.utf8.count, role, rank))
                nameBytes.append(contentsOf: name.utf8)
            }
        }
        self.nameBytes = nameBytes
        self.names = names
    }

    /// Scans one line. Nil when it is not a well-formed JSON object.
    public func extract(_ bytes: UnsafeRawBufferPointer) -> JSONLogExtract? {
        var result = JSONLogExtract()
        var ranks = Ranks()
        var traceparentSeen = false
        let valid = JSONObjectScanner.scan(bytes) { key, value in
            guard let (role, rank) = match(key, bytes), rank < ranks[role] else { return }
            var taken = true
            switch role {
            case .timestamp:
                if value.kind == .string, !value.hasEscapes {
                    result.timestamp = LogTimestamp.parseRFC3339(DecodingBytes.slice(bytes, value))
                } else if value.kind == .number {
                    result.timestamp = LogTimestamp.parseEpoch(DecodingBytes.slice(bytes, value))
                }
                taken = result.timestamp != nil
            case .level:
                taken = value.kind == .string || value.kind == .number
                if taken { result.level = value }
            case .message:
                taken = value.kind == .string
                if taken { result.message = value }
            case .traceID:
                // A traceparent carries the span too, so it outranks a lone trace id.
                guard !traceparentSeen, value.kind == .string, let id = TraceID(hexBytes: DecodingBytes.slice(bytes, value)), id.isValid
                else { return }
                result.traceID = id
            case .spanID:
                guard !traceparentSeen, value.kind == .string, let id = SpanID(hexBytes: DecodingBytes.slice(bytes, value)), id.isValid
                else { return }
                result.spanID = id
            case .traceparent:
                guard value.kind == .string, let found = TextTraceContext.find(in: DecodingBytes.slice(bytes, value)),
                    found.spanID != nil
                else { return }
                traceparentSeen = true
                result.traceID = found.traceID
                result.spanID = found.spanID
                result.flags = found.flags
            case .correlationID:
                taken = value.kind == .string || value.kind == .number
                if taken { result.correlationID = value }
            case .userID:
                taken = value.kind == .string || value.kind == .number
                if taken { result.userID = value }
            }
            if taken { ranks[role] = rank }
        }
        return valid ? result : nil
    }

    /// The preference of the name each role was taken from so far. Fields, not an array:
    /// no allocation per line.
    private struct Ranks {
        var timestamp = Int.max, level = Int.max, message = Int.max, traceID = Int.max
        var spanID = Int.max, traceparent = Int.max, correlationID = Int.max, userID = Int.max

        subscript(role: Role) -> Int {
            get {
                switch role {
                case .timestamp: timestamp
                case .level: level
                case .message: message
                case .traceID: traceID
                case .spanID: spanID
                case .traceparent: traceparent
                case .correlationID: correlationID
                case .userID: userID
                }
            }
            set {
                switch role {
                case .timestamp: timestamp = newValue
                case .level: level = newValue
                case .message: message = newValue
                case .traceID: traceID = newValue
                case .spanID: spanID = newValue
                case .traceparent: traceparent = newValue
                case .correlationID: correlationID = newValue
                case .userID: userID = newValue
                }
            }
        }
    }

    @inline(__always)
    private func match(_ key: JSONToken, _ bytes: UnsafeRawBufferPointer) -> (Role, Int)? {
        guard !key.hasEscapes else { return nil }
        let keyBytes = DecodingBytes.slice(bytes, key)
        return nameBytes.withUnsafeBytes { table in
            for name in names where name.count == keyBytes.count
                && DecodingBytes.equal(UnsafeRawBufferPointer(rebasing: table[name.start..<(name.start + name.count)]), keyBytes)
            {
                return (name.role, name.rank)
            }
            return nil
        }
    }
}
