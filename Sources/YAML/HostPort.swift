/// An address to listen on or connect to: `0.0.0.0:8686`, `localhost:4318`, `[::1]:8080`.
///
/// `:8686` means every interface (`0.0.0.0`), as with Go's and Prometheus's listeners.
/// Port 0 asks the OS for a free port, which tests rely on. The host is not resolved
/// here; that belongs to whoever binds or connects, at the time they do.
public struct HostPort: ConfigScalar, Sendable, Hashable, CustomStringConvertible {
    public let host: String
    public let port: Int

    public init(host: String, port: Int) {
        precondition((0...65535).contains(port), "port must be between 0 and 65535: \(port)")
        self.host = host
        self.port = port
    }

    public init(parsing text: String) throws(ValueParseError) {
        guard let colon = text.lastIndex(of: ":") else {
            throw ValueParseError(message: "\(Self.expectation), got \(quoted(text))")
        }
        let hostText = text[..<colon]
        let portText = text[text.index(after: colon)...]

        let host: Substring
        if hostText.hasPrefix("["), hostText.hasSuffix("]") {
            host = hostText.dropFirst().dropLast()
            guard !host.isEmpty, host.allSatisfy(Self.isIPv6Character) else {
                throw ValueParseError(message: "\(Self.expectation), got \(quoted(text))")
            }
        } else if hostText.contains(":") {
            throw ValueParseError(message: "\(Self.expectation), got \(quoted(text)) "
                + "(write IPv6 addresses in brackets, like \"[::1]:8080\")")
        } else {
            host = hostText.isEmpty ? "0.0.0.0" : hostText
            guard host.allSatisfy(Self.isHostnameCharacter) else {
                throw ValueParseError(message: "\(Self.expectation), got \(quoted(text))")
            }
        }

        guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ValueParseError(message: "\(Self.expectation), got \(quoted(text))")
        }
        guard let port = Int(portText), port <= 65535 else {
            throw ValueParseError(message: "expected a port between 0 and 65535, got \(quoted(text))")
        }
        self.init(host: String(host), port: port)
    }

    /// Reads back as the same value: IPv6 hosts get their brackets back.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    public static let expectation = "expected host:port like \"0.0.0.0:8686\""

    private static func isHostnameCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || ".-_".contains(character))
    }

    /// Hex digits, colons and dots (`::ffff:1.2.3.4`), plus `%zone` suffixes (`fe80::1%eth0`).
    private static func isIPv6Character(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || ":.%_-".contains(character))
    }
}
