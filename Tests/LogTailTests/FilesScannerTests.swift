import Foundation
import Testing

@testable import LogTail
import TestSupport

@Suite struct FilesScannerTests {
    @Test func includeExcludeOnATree() throws {
        let dir = try TemporaryDirectory("outrider-scan")
        let root = dir.path
        for name in [
            "app/a.log", "app/b.log", "app/b.log.1", "app/skip.log", "app/nested/c.log",
            "app/nested/deeper/d.log", "app/nested/deeper/d.txt", "other/e.log",
        ] {
            try dir.write(name, "x\n")
        }
        try FileManager.default.createDirectory(atPath: "\(root)/app/dir.log", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: "\(root)/app/link.log", withDestinationPath: "\(root)/other/e.log")
        try FileManager.default.createSymbolicLink(atPath: "\(root)/app/dangling.log", withDestinationPath: "\(root)/nope")

        let scanner = try PathScanner(
            include: ["\(root)/app/*.log", "\(root)/app/**/deeper/*", "\(root)/missing/**/*.log"],
            exclude: ["\(root)/app/skip.log", "\(root)/**/*.txt"])
        let result = scanner.scan()
        #expect(result.errors.isEmpty)
        #expect(!result.truncated)
        #expect(result.files == [
            "\(root)/app/a.log", "\(root)/app/b.log", "\(root)/app/link.log", "\(root)/app/nested/deeper/d.log",
        ])
    }

    @Test func globstarMatchesZeroOrMoreDirectories() throws {
        let dir = try TemporaryDirectory("outrider-scan")
        for name in ["p/0.log", "p/x/1.log", "p/x/y/2.log", "q/3.log"] { try dir.write(name, "x") }
        let result = try PathScanner(include: ["\(dir.path)/p/**/*.log"]).scan()
        #expect(result.files == ["\(dir.path)/p/0.log", "\(dir.path)/p/x/1.log", "\(dir.path)/p/x/y/2.log"])
    }

    @Test func onlyListsDirectoriesThePatternCanMatch() throws {
        let dir = try TemporaryDirectory("outrider-scan")
        for i in 0..<50 { try dir.write("big/f\(i)", "x") }
        try dir.write("logs/a.log", "x")
        // Literal components are stepped into without listing: only logs/ is read (1 entry).
        let result = try PathScanner(include: ["\(dir.path)/logs/*.log"]).scan()
        #expect(result.files == ["\(dir.path)/logs/a.log"])
        #expect(result.entriesExamined == 1)
    }

    @Test func entryCapTruncates() throws {
        let dir = try TemporaryDirectory("outrider-scan")
        for i in 0..<20 { try dir.write("d/f\(i).log", "x") }
        let result = try PathScanner(include: ["\(dir.path)/d/*.log"], maxEntries: 5).scan()
        #expect(result.truncated)
        #expect(result.files.count <= 5)
    }

    /// Whether this process ignores directory mode bits (root with CAP_DAC_OVERRIDE /
    /// CAP_DAC_READ_SEARCH, as in the dev container). Then chmod 000 proves nothing and the
    /// test is skipped; non-root CI runs it. `errorInADirectoryIsReportedNotFatal` covers the
    /// error path for root too.
    static let modeBitsBypassed: Bool = {
        guard let dir = try? TemporaryDirectory("outrider-probe") else { return true }
        let probe = "\(dir.path)/probe"
        mkdir(probe, 0)
        defer { chmod(probe, 0o755) }
        return access(probe, R_OK) == 0
    }()

    @Test(.enabled(if: !modeBitsBypassed, "running as root: chmod 000 does not deny root"))
    func unreadableDirectoryIsReportedNotFatal() throws {
        let dir = try TemporaryDirectory("outrider-scan")
        try dir.write("logs/ok/a.log", "x")
        try dir.write("logs/locked/b.log", "x")
        let locked = "\(dir.path)/logs/locked"
        #expect(chmod(locked, 0) == 0)
        defer { chmod(locked, 0o755) }
        let result = try PathScanner(include: ["\(dir.path)/logs/*/*.log"]).scan()
        #expect(result.files == ["\(dir.path)/logs/ok/a.log"])
        #expect(result.errors.map(\.path) == [locked])
        #expect(result.errors.first?.errno == EACCES)
    }

    @Test func errorInADirectoryIsReportedNotFatal() throws {
        // A symlink loop where the pattern must list a directory: opendir fails with ELOOP,
        // even for root. The other include pattern still yields its files.
        let dir = try TemporaryDirectory("outrider-scan")
        try dir.write("ok/a.log", "x")
        try FileManager.default.createSymbolicLink(atPath: "\(dir.path)/loop", withDestinationPath: "\(dir.path)/loop")
        let result = try PathScanner(include: ["\(dir.path)/loop/*.log", "\(dir.path)/ok/*.log"]).scan()
        #expect(result.files == ["\(dir.path)/ok/a.log"])
        #expect(result.errors.map(\.path) == ["\(dir.path)/loop"])
        #expect(result.errors.first?.errno == ELOOP)
        #expect(result.errors.first?.description.contains("errno") == true)
    }

    @Test func aFileWhereADirectoryIsExpectedIsNoMatch() throws {
        let dir = try TemporaryDirectory("outrider-scan")
        try dir.write("file", "x")
        let result = try PathScanner(include: ["\(dir.path)/file/*.log", "\(dir.path)/nothing/*.log"]).scan()
        #expect(result.files.isEmpty)
        #expect(result.errors.isEmpty)
    }
}
