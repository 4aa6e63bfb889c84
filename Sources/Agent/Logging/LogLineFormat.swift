import Telemetry
import Logging

/// Renders one log event as bytes, in the platform's JSON shape or as text for people.
enum LogLineFormat {
    /// The level words of the platform's logging guide (debug, info, warn, error, critical).
    static func levelWord(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: "debug"
        case .info, .notice: "info"
        case .warning: "warn"
        case .error: "error"
        case .critical: "critical"
        }
    }

    /// Keys the line itself owns; metadata with these names is nested under `metadata`
    /// rather than allowed to overwrite them.
    private static let reserved: Set<String> = ["timestamp", "level", "service", "message", "correlation_id", "error"]

    static func json(
        _ event: LogEvent, service: String, time: Timestamp, metadata: Logger.Metadata, into out: inout [UInt8]
    ) {
        out.append(contentsOf: #"{"timestamp":""#.utf8)
        RFC3339.append(time, fractionDigits: 3, to: &out)
        out.append(contentsOf: #"","level":""#.utf8)
        out.append(contentsOf: levelWord(event.level).utf8)
        out.append(contentsOf: #"","service":"#.utf8)
        JSONString.append(service, to: &out)
        out.append(contentsOf: #","message":"#.utf8)
        JSONString.append(event.message.description, to: &out)
        if let correlation = metadata["correlation_id"] {
            out.append(contentsOf: #","correlation_id":"#.utf8)
            appendJSON(correlation, to: &out)
        }
        if let error = event.error {
            out.append(contentsOf: #","error":"#.utf8)
            JSONString.append(String(describing: error), to: &out)
        }
        var shadowed: Logger.Metadata = [:]
        for key in metadata.keys.sorted() where key != "correlation_id" {
            let value = metadata[key]!
            if reserved.contains(key) {
                shadowed[key] = value
                continue
            }
            out.append(UInt8(ascii: ","))
            JSONString.append(key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendJSON(value, to: &out)
        }
        if !shadowed.isEmpty {
            out.append(contentsOf: #","metadata":"#.utf8)
            appendJSON(.dictionary(shadowed), to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    static func text(_ event: LogEvent, time: Timestamp, metadata: Logger.Metadata, into out: inout [UInt8]) {
        RFC3339.append(time, fractionDigits: 3, to: &out)
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: levelWord(event.level).utf8)
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: event.message.description.utf8)
        for key in metadata.keys.sorted() {
            out.append(UInt8(ascii: " "))
            out.append(contentsOf: key.utf8)
            out.append(UInt8(ascii: "="))
            out.append(contentsOf: metadata[key]!.description.utf8)
        }
        if let error = event.error {
            out.append(contentsOf: " error=".utf8)
            out.append(contentsOf: String(describing: error).utf8)
        }
    }

    private static func appendJSON(_ value: Logger.MetadataValue, to out: inout [UInt8]) {
        switch value {
        case .string(let text):
            JSONString.append(text, to: &out)
        case .stringConvertible(let convertible):
            JSONString.append(convertible.description, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                appendJSON(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .dictionary(let fields):
            out.append(UInt8(ascii: "{"))
            for (index, key) in fields.keys.sorted().enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONString.append(key, to: &out)
                out.append(UInt8(ascii: ":"))
                appendJSON(fields[key]!, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        @unknown default:
            JSONString.append(value.description, to: &out)
        }
    }
}
