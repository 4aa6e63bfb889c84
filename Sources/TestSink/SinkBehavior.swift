/// How the sink answers ingest requests. Switch it at run time with
/// `TestSink.setBehavior(_:)` or `POST /_control/behavior`.
public struct SinkBehavior: Sendable, Equatable {
    public enum Fault: Sendable, Equatable {
        /// Answer with this status (429, 500, 503, 400, …), optionally with `Retry-After: <seconds>`.
        case status(Int, retryAfter: Int? = nil)
        /// Close the connection without an answer, with a TCP reset (SO_LINGER 0).
        case reset
    }

    /// Which ingest requests get the fault, counted from when the behavior was set.
    public enum Selection: Sendable, Equatable {
        case all
        /// The next N requests, then the sink accepts again.
        case next(Int)
        /// A deterministic fraction: request i (from 0) fails when a hash of (seed, i) falls
        /// below `fraction`, so the same arrival order gives the same pattern.
        case fraction(Double, seed: UInt64 = 1)
    }

    public var fault: Fault?
    public var selection: Selection
    /// Every answer to an ingest request (faults included) is delayed this long, on the
    /// event loop (nothing blocks).
    public var delay: Duration
    /// Larger bodies (compressed size as received) get 413.
    public var maxBodyBytes: Int
    /// Larger decompressed bodies get 413 too.
    public var maxDecompressedBytes: Int

    public static let defaultMaxBodyBytes = 16 << 20

    public init(
        fault: Fault? = nil, selection: Selection = .all, delay: Duration = .zero,
        maxBodyBytes: Int = SinkBehavior.defaultMaxBodyBytes, maxDecompressedBytes: Int = 256 << 20
    ) {
        self.fault = fault
        self.selection = selection
        self.delay = delay
        self.maxBodyBytes = maxBodyBytes
        self.maxDecompressedBytes = maxDecompressedBytes
    }

    /// Accepts everything at once.
    public static let healthy = SinkBehavior()

    public static func failing(_ status: Int, retryAfter: Int? = nil, _ selection: Selection = .all) -> SinkBehavior {
        SinkBehavior(fault: .status(status, retryAfter: retryAfter), selection: selection)
    }

    public static func resetting(_ selection: Selection = .all) -> SinkBehavior {
        SinkBehavior(fault: .reset, selection: selection)
    }

    public static func slow(_ delay: Duration) -> SinkBehavior {
        SinkBehavior(delay: delay)
    }
}

extension SinkBehavior {
    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Builds a behavior from control parameters (query string or flat JSON object; names
    /// are case- and underscore-insensitive, `retry_after` = `retryAfter`):
    /// `fail` (status, or `reset`, or `none`), `retry_after` (seconds), `count` (next N),
    /// `fraction` (0...1) with `seed`, `delay` (`250ms`, `2s`, bare number = ms) or
    /// `delay_ms`, `reset` (true: reset connections), `max_body` (bytes).
    /// Unnamed settings take their defaults: each call describes the whole behavior.
    public init(parameters: [(String, String)]) throws(ParseError) {
        self.init()
        var status: Int?
        var retryAfter: Int?
        var reset = false
        var count: Int?
        var fraction: Double?
        var seed: UInt64 = 1
        for (rawName, value) in parameters {
            let name = String(rawName.lowercased().filter { $0 != "_" && $0 != "-" })
            switch name {
            case "fail", "status":
                switch value.lowercased() {
                case "reset": reset = true
                case "none", "", "0", "ok", "null": status = nil
                default:
                    guard let code = Int(value), (400...599).contains(code) else { throw ParseError(description: "fail: not a status: \(value) (400...599)") }
                    status = code
                }
            case "retryafter":
                guard let seconds = Int(value), seconds >= 0 else { throw ParseError(description: "retry_after: not seconds: \(value)") }
                retryAfter = seconds
            case "reset":
                reset = ["1", "true", "yes", "on"].contains(value.lowercased())
            case "count", "next":
                guard let number = Int(value), number >= 0 else { throw ParseError(description: "count: not a count: \(value)") }
                count = number
            case "fraction":
                guard let number = Double(value), (0...1).contains(number) else { throw ParseError(description: "fraction: not in 0...1: \(value)") }
                fraction = number
            case "seed":
                guard let number = UInt64(value) else { throw ParseError(description: "seed: not a number: \(value)") }
                seed = number
            case "delay", "slow":
                guard let duration = Self.parseDuration(value, defaultUnit: .milliseconds(1)) else {
                    throw ParseError(description: "delay: not a duration: \(value)")
                }
                delay = duration
            case "delayms":
                guard let milliseconds = Int(value), milliseconds >= 0 else { throw ParseError(description: "delay_ms: not milliseconds: \(value)") }
                delay = .milliseconds(milliseconds)
            case "maxbody", "maxbodybytes":
                guard let bytes = Int(value), bytes >= 0 else { throw ParseError(description: "max_body: not bytes: \(value)") }
                maxBodyBytes = bytes
            default:
                throw ParseError(description: "unknown setting: \(rawName)")
            }
        }
        if reset {
            fault = .reset
        } else if let status {
            fault = .status(status, retryAfter: retryAfter)
        }
        if let count {
            selection = .next(count)
        } else if let fraction {
            selection = .fraction(fraction, seed: seed)
        }
    }

    /// `250ms`, `2s`, `1.5s`, `1m`, `500us`; a bare number is in `defaultUnit`.
    public static func parseDuration(_ text: String, defaultUnit: Duration = .seconds(1)) -> Duration? {
        let trimmed = text.trimmingSpaces()
        let units: [(String, Double)] = [("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9), ("s", 1), ("m", 60), ("h", 3600)]
        var number = Substring(trimmed)
        var scale: Double?
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            number = trimmed.dropLast(suffix.count)
            scale = factor
            break
        }
        guard let value = Double(number), value >= 0, value.isFinite else { return nil }
        if let scale { return .nanoseconds(Int64((value * scale * 1e9).rounded())) }
        return defaultUnit * value
    }

    /// The behavior as the control endpoint reports it.
    var json: String {
        var writer = JSONWriter()
        writer.object { object in
            switch fault {
            case nil: object.field("fail", "none")
            case .reset: object.field("fail", "reset")
            case .status(let status, let retryAfter):
                object.field("fail", status)
                if let retryAfter { object.field("retryAfter", retryAfter) }
            }
            switch selection {
            case .all: object.field("selection", "all")
            case .next(let count): object.field("count", count)
            case .fraction(let fraction, let seed):
                object.field("fraction", fraction)
                object.field("seed", Int(truncatingIfNeeded: seed))
            }
            object.field("delayMs", delay.milliseconds)
            object.field("maxBody", maxBodyBytes)
        }
        return writer.text
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    var milliseconds: Double { Double(nanoseconds) / 1e6 }
}

extension String {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
