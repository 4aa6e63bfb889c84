import Foundation
import Testing

/// Real programs tests need (promtool, node_exporter, …). Locally a missing one skips the
/// test with a note; in CI (`CI=true`) it fails the run: never a silent skip.
public enum Prerequisite {
    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    public static func executable(_ name: String, installHint: String) -> String? {
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let directories = searchPath.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"]
        for directory in directories {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        let message = "\(name) is not installed (\(installHint)); the test command scripts/test.sh installs it"
        return missing(message)
    }

    /// A note locally, a recorded failure in CI; nil for the caller to return.
    public static func missing(_ message: String) -> String? {
        if isCI {
            Issue.record(Comment(rawValue: "prerequisite missing in CI: \(message)"))
        } else {
            print("skipping: \(message)")
        }
        return nil
    }
}

/// Runs a program to completion with bounded time, capturing its combined output.
public enum Command {
    public struct Result: Sendable {
        public var status: Int32
        public var output: String
    }

    public static func run(_ executable: String, _ arguments: [String], input: [UInt8] = [],
                           environment: [String: String]? = nil, timeoutSeconds: Double = 60) throws -> Result {
        // Output goes to a file, not a pipe: a full pipe would block the child, and reading
        // the pipe to its end would block us past the timeout.
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("outrider-cmd-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let stdin = Pipe()
        process.standardInput = stdin
        process.standardOutput = output
        process.standardError = output
        try process.run()
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try output.close()
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Result(status: process.terminationStatus, output: text)
    }
}

extension Prerequisite {
    /// The Python of the test venv `scripts/install-deps.sh --with-test-tools` makes
    /// (`.build/test-python`, with PyPI's opentelemetry-proto), if it is there.
    /// `OUTRIDER_TEST_PYTHON` names another.
    public static func testPython() -> String? {
        if let python = ProcessInfo.processInfo.environment["OUTRIDER_TEST_PYTHON"], !python.isEmpty { return python }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let python = root.appendingPathComponent(".build/test-python/bin/python").path
        if FileManager.default.isExecutableFile(atPath: python) { return python }
        let message = "the test venv \(python) is missing (scripts/install-deps.sh --with-test-tools makes it)"
        return missing(message)
    }
}
