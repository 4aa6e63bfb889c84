import Telemetry

/// The `Retry-After` response header (RFC 9110 §10.2.3): delta-seconds or an HTTP-date.
public enum RetryAfter {
    /// Longer waits are cut to this: a backend asking for an hour (or a clock far off)
    /// must not park a batch that long, and the loop's `max_elapsed` still applies.
    public static let maximum: Duration = .seconds(300)

    /// How long the backend asks to wait, at most `maximum`; a date in the past is zero.
    /// Nil when `value` is neither form, and the loop's own backoff applies.
    public static func parse(_ value: String, now: Timestamp) -> Duration? {
        let text = Substring(value).drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed()
        guard let first = text.first else { return nil }
        if first.isASCII, first.isNumber {
            guard text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            // More digits than fit are surely more than the cap.
            guard let seconds = Int64(String(text)) else { return maximum }
            return min(.seconds(seconds), maximum)
        }
        guard let date = HTTPDate.secondsSinceEpoch(String(text)) else { return nil }
        let wait = Duration.seconds(date) - .nanoseconds(now.nanosecondsSinceEpoch)
        return min(max(.zero, wait), maximum)
    }
}
