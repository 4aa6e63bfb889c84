/// Why a string is not a valid `ConfigDuration`, `ByteSize`, `Ratio` or `HostPort`.
///
/// The message is complete and phrased for the person who wrote the value
/// (`expected a duration like "5s", got "fast"`); decoding adds the location.
public struct ValueParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}
