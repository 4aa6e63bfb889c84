import Foundation
import Testing
import TestSupport

/// The repository's files and the tools that check them. Tools come from the venv
/// `scripts/install-deps.sh --with-test-tools` makes (`.build/bundle-tools`) or from PATH.
enum BundleTools {
    static let root: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static func path(_ relative: String) -> String { root + "/" + relative }

    /// The program, or nil after a skip note (a failure in CI).
    static func tool(_ name: String, installHint: String) -> String? {
        let venv = path(".build/bundle-tools/bin/" + name)
        if FileManager.default.isExecutableFile(atPath: venv) { return venv }
        return Prerequisite.executable(name, installHint: installHint)
    }

    /// Runs a checker from the repository root; its whole output is in the failure.
    @discardableResult
    static func check(_ executable: String, _ arguments: [String], expectStatus: Int32 = 0, timeoutSeconds: Double = 300,
                      sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try Command.run("/usr/bin/env", ["-C", root, executable] + arguments, timeoutSeconds: timeoutSeconds)
        #expect(result.status == expectStatus,
                "\(URL(fileURLWithPath: executable).lastPathComponent) \(arguments.joined(separator: " ")) exited \(result.status):\n\(result.output)",
                sourceLocation: sourceLocation)
        return result.output
    }
}
