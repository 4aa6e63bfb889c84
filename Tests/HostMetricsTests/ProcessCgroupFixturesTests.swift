import Foundation
import Testing
@testable import HostMetrics

/// Locates the process and cgroup fixture trees next to this file (via `#filePath`, so the
/// tests need no bundle lookup) and reads them as bytes, as the collectors will.
enum ProcessCgroupFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }

    static func bytes(_ relative: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: root.appendingPathComponent(relative)))
    }

    static func live(_ path: String) throws -> [UInt8] {
        // /proc files report size 0, so read them to the end rather than by size.
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        return [UInt8](try handle.readToEnd() ?? Data())
    }

    static func text(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Expects `body` to throw a ParseError and returns it, so a test can check its line.
    static func parseError(
        _ body: () throws(ParseError) -> Void,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> ParseError? {
        do {
            try body()
            Issue.record("expected a ParseError", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }
}

@Suite struct ProcessCgroupFixturesTests {
    @Test func fixtureTreesExist() {
        for directory in ["process/proc", "process/self", "cgroup/v1", "cgroup/v2/container", "cgroup/v2/edge"] {
            var isDirectory: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: ProcessCgroupFixtures.path(directory), isDirectory: &isDirectory))
            #expect(isDirectory.boolValue, "\(directory)")
        }
    }
}
