/// A `${...}` reference that cannot be substituted. Carries only the message: the caller
/// knows where the text came from and adds the location (see `EnvironmentSubstitution.apply(to:file:path:)`).
public struct SubstitutionError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}
