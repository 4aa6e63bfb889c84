import Testing

@testable import LogTail

@Suite struct GlobPatternTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let pattern: String
        let path: String
        let matches: Bool
        var testDescription: String { "\(pattern) ~ \(path) -> \(matches)" }
    }

    static let cases: [Case] = [
        .init(pattern: "/var/log/app.log", path: "/var/log/app.log", matches: true),
        .init(pattern: "/var/log/app.log", path: "/var/log/app.log.1", matches: false),
        .init(pattern: "/var/log//app.log", path: "/var/log/app.log", matches: true),
        .init(pattern: "/var/log/*.log", path: "/var/log/app.log", matches: true),
        .init(pattern: "/var/log/*.log", path: "/var/log/.log", matches: true),
        .init(pattern: "/var/log/*.log", path: "/var/log/x/app.log", matches: false),
        .init(pattern: "/var/log/*", path: "/var/log/a/b", matches: false),
        .init(pattern: "/var/*/app.log", path: "/var/log/app.log", matches: true),
        .init(pattern: "/var/log/app?.log", path: "/var/log/app1.log", matches: true),
        .init(pattern: "/var/log/app?.log", path: "/var/log/app.log", matches: false),
        .init(pattern: "/var/log/app?log", path: "/var/log/app/log", matches: false),
        .init(pattern: "/var/log/**/*.log", path: "/var/log/a.log", matches: true),
        .init(pattern: "/var/log/**/*.log", path: "/var/log/x/a.log", matches: true),
        .init(pattern: "/var/log/**/*.log", path: "/var/log/x/y/z/a.log", matches: true),
        .init(pattern: "/var/log/**/*.log", path: "/var/lib/a.log", matches: false),
        .init(pattern: "/**/*.log", path: "/a.log", matches: true),
        .init(pattern: "/var/**/pods/**/0.log", path: "/var/log/pods/ns_pod/c/0.log", matches: true),
        .init(pattern: "/var/**/pods/**/0.log", path: "/var/pods/0.log", matches: true),
        .init(pattern: "/var/**/pods/**/0.log", path: "/var/log/x/0.log", matches: false),
        .init(pattern: "/l/[abc].log", path: "/l/b.log", matches: true),
        .init(pattern: "/l/[abc].log", path: "/l/d.log", matches: false),
        .init(pattern: "/l/[a-c0-9].log", path: "/l/7.log", matches: true),
        .init(pattern: "/l/[!a-c].log", path: "/l/d.log", matches: true),
        .init(pattern: "/l/[!a-c].log", path: "/l/b.log", matches: false),
        .init(pattern: "/l/[^a-c].log", path: "/l/b.log", matches: false),
        .init(pattern: "/l/[]x].log", path: "/l/].log", matches: true),
        .init(pattern: "/l/[!]].log", path: "/l/].log", matches: false),
        .init(pattern: "/l/[a-].log", path: "/l/-.log", matches: true),
        .init(pattern: "/l/[!x]", path: "/l//", matches: false),
        .init(pattern: "/l/\\*.log", path: "/l/*.log", matches: true),
        .init(pattern: "/l/\\*.log", path: "/l/a.log", matches: false),
        .init(pattern: "/l/*a*b*c", path: "/l/xxaxxbxxbxc", matches: true),
        .init(pattern: "/l/*a*b*c", path: "/l/xxaxxbxxbx", matches: false),
        .init(pattern: "/l/**/x", path: "/l/x", matches: true),
        .init(pattern: "/l/*", path: "/l", matches: false),
        .init(pattern: "/l/é*.log", path: "/l/été.log", matches: true),
        .init(pattern: "/l/*.log", path: "l/a.log", matches: false),
    ]

    @Test(arguments: cases)
    func matching(_ c: Case) throws {
        let g = try GlobPattern(c.pattern)
        #expect(g.matches(c.path) == c.matches)
    }

    @Test(arguments: [
        ("", "empty"),
        ("var/log/*.log", "absolute"),
        ("/var/log/[abc.log", "unclosed '['"),
        ("/var/log/[z-a].log", "bad range"),
        ("/var/log/a**.log", "whole path component"),
        ("/var/log/**", "must not end in '**'"),
        ("/var/log/a].log", "']' without"),
        ("/var/log/a\\", "trailing '\\'"),
        ("/", "matches no file"),
    ])
    func refusesBadPatterns(_ pattern: String, _ reason: String) {
        #expect {
            _ = try GlobPattern(pattern)
        } throws: { error in
            guard let e = error as? GlobPatternError else { return false }
            return e.reason.contains(reason) && e.description.contains("invalid glob '\(pattern)'")
        }
    }

    @Test func fixedPrefix() throws {
        #expect(try GlobPattern("/var/log/app/*.log").fixedPrefix == "/var/log/app")
        #expect(try GlobPattern("/var/log/app.log").fixedPrefix == "/var/log")
        #expect(try GlobPattern("/var/**/x.log").fixedPrefix == "/var")
        #expect(try GlobPattern("/*/x.log").fixedPrefix == "/")
        #expect(try GlobPattern("/var/l[o]g/x.log").fixedPrefix == "/var")
    }
}
