/// The host of an http(s) URL and the URL with another host, for `tls.server_name`. Only
/// what that needs: scheme, optional user info, host (bracketed IPv6 included), port, rest.
public struct EndpointAuthority: Sendable, Hashable {
    let prefix: String  // "https://" plus any "user@"
    /// Without IPv6 brackets; `rawHost` as the URL spells it.
    let host: String
    let rawHost: String
    let suffix: String  // ":port/path?query"

    init?(_ url: String) {
        guard let authorityStart = Self.authorityStart(url) else { return nil }
        let afterScheme = url[authorityStart...]
        let authorityEnd: Substring.Index = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        let hostStart = authority.lastIndex(of: "@").map { authority.index(after: $0) } ?? authority.startIndex
        let hostAndPort = authority[hostStart...]
        let hostEnd: Substring.Index
        if hostAndPort.hasPrefix("[") {
            guard let close = hostAndPort.firstIndex(of: "]") else { return nil }
            hostEnd = hostAndPort.index(after: close)
        } else {
            hostEnd = hostAndPort.firstIndex(of: ":") ?? hostAndPort.endIndex
        }
        guard hostStart < hostEnd else { return nil }
        prefix = String(url[..<hostStart])
        rawHost = String(url[hostStart..<hostEnd])
        host = rawHost.trimmingBrackets()
        suffix = String(url[hostEnd...])
    }

    /// Just past `://`.
    private static func authorityStart(_ url: String) -> String.Index? {
        var index = url.startIndex
        while index < url.endIndex, url[index] != ":" { index = url.index(after: index) }
        guard url[index...].hasPrefix("://") else { return nil }
        return url.index(index, offsetBy: 3)
    }

    func replacingHost(with newHost: String) -> String {
        prefix + newHost + suffix
    }

    /// The URL as logs, errors and /status may show it: any user info (`user:password@`,
    /// a token as user name) is replaced by `***@`. Any `@` before the query counts, so a
    /// password with an unescaped `/` or `?` is hidden too.
    public static func redacting(_ url: String) -> String {
        guard let at = userInfoEnd(url), let start = authorityStart(url) else { return url }
        return url[..<start] + "***" + url[at...]
    }

    /// Whether the URL carries user info, which requests never send (AsyncHTTPClient does
    /// not turn it into a header): credentials go in `auth` or `headers_from_files`.
    public static func hasUserInfo(_ url: String) -> Bool {
        userInfoEnd(url) != nil
    }

    /// The last `@` after the scheme and before any query or fragment.
    private static func userInfoEnd(_ url: String) -> String.Index? {
        guard let start = authorityStart(url) else { return nil }
        let rest = url[start...]
        let stop = rest.firstIndex { $0 == "?" || $0 == "#" } ?? rest.endIndex
        return rest[..<stop].lastIndex(of: "@")
    }
}

extension String {
    fileprivate func trimmingBrackets() -> String {
        hasPrefix("[") && hasSuffix("]") ? String(dropFirst().dropLast()) : self
    }
}
