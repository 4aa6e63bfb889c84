/// Why the delivery loop dropped events: the `reason` label of
/// `outrider_buffer_dropped_total`, counted in the buffer's `stats.dropped`.
public enum DropReason {
    /// Retried until `retry.max_elapsed` ran out.
    public static let retriesExhausted = "retries_exhausted"
    /// The backend (or the encoder) refused the batch in a way retrying cannot fix.
    public static let permanentError = "permanent_error"
    /// Shutdown's grace period ran out before a memory buffer's batch was delivered.
    public static let shutdown = "shutdown"
    /// The backend accepted the request but refused some of its events (OTLP's
    /// `partial_success`); the rest were delivered.
    public static let rejected = "rejected"

    public static let all = [retriesExhausted, permanentError, shutdown, rejected]
}
