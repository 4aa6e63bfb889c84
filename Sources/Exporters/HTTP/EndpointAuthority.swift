/// The host of an http(s) URL and the URL with another host, for `tls.server_name`. Only
/// what that needs: scheme, optional user info, host (bracketed IPv6 included), port, rest.
struct EndpointAuthority: Sendable, Hashable {
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

    /// The URL as logs and /status may show it: a password in its user info is replaced
    /// by `***` (`https://user:***@host/`).
    static func redacting(_ url: String) -> String {
        guard let authority = EndpointAuthority(url), let at = authority.prefix.lastIndex(of: "@"),
            let userStart = authorityStart(authority.prefix)
        else { return url }
        let userInfo = authority.prefix[userStart..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return url }
        return authority.prefix[..<colon] + ":***@" + authority.rawHost + authority.suffix
    }
}

extension String {
    fileprivate func trimmingBrackets() -> String {
        hasPrefix("[") && hasSuffix("]") ? String(dropFirst().dropLast()) : self
    }
}
