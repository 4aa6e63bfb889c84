/// A log record's severity as OpenTelemetry defines it: a number 1–24 in six ranges
/// (TRACE 1–4, DEBUG 5–8, INFO 9–12, WARN 13–16, ERROR 17–20, FATAL 21–24; 0 unspecified),
/// plus the text the producer used (`warning`, `ERR`, `CRITICAL`).
public struct Severity: Sendable, Hashable, Comparable {
    public var number: UInt8
    public var text: String

    public init(number: UInt8, text: String = "") {
        self.number = min(number, 24)
        self.text = text
    }

    public static let unspecified = Severity(number: 0)
    public static let trace = Severity(number: 1, text: "TRACE")
    public static let debug = Severity(number: 5, text: "DEBUG")
    public static let info = Severity(number: 9, text: "INFO")
    public static let warn = Severity(number: 13, text: "WARN")
    public static let error = Severity(number: 17, text: "ERROR")
    public static let fatal = Severity(number: 21, text: "FATAL")

    /// Severities order by number only; the text is how the producer spelled it.
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.number < rhs.number }

    /// The usual level words of logging libraries, any case: trace, debug, info, notice,
    /// warn/warning, error/err, critical/crit, alert, emerg/fatal/panic. Nil for other words.
    public init?<Bytes: Collection>(levelName bytes: Bytes) where Bytes.Element == UInt8 {
        guard bytes.count <= 9 else { return nil }
        var lowered: [UInt8] = []
        lowered.reserveCapacity(bytes.count)
        for byte in bytes { lowered.append(byte >= 65 && byte <= 90 ? byte + 32 : byte) }
        let number: UInt8
        switch String(decoding: lowered, as: UTF8.self) {
        case "trace": number = 1
        case "debug": number = 5
        case "info", "information": number = 9
        case "notice": number = 10
        case "warn", "warning": number = 13
        case "error", "err": number = 17
        case "critical", "crit": number = 18
        case "alert": number = 19
        case "fatal", "emerg", "emergency", "panic": number = 21
        default: return nil
        }
        self.init(number: number, text: String(decoding: bytes, as: UTF8.self))
    }

    /// The range name for a number, when the producer gave no text.
    public var rangeName: String {
        switch number {
        case 0: "UNSPECIFIED"
        case 1...4: "TRACE"
        case 5...8: "DEBUG"
        case 9...12: "INFO"
        case 13...16: "WARN"
        case 17...20: "ERROR"
        default: "FATAL"
        }
    }
}
