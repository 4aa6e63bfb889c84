import Foundation
import Synchronization
import TestSupport

/// A child process with its output captured: the built `outrider` binary, run the way
/// Kubernetes runs it, or a real program a test compares against (node_exporter).
final class AgentProcess: Sendable {
    /// swift build puts the binary next to the test bundle.
    static var binary: String {
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        while directory.path != "/" && !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("outrider").path) {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("outrider").path
    }

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// What the process wrote to stdout and stderr, appended from the pipe's reader thread.
    final class Output: Sendable {
        let bytes = Mutex<[UInt8]>([])
    }

    private let process: Process
    private let output = Output()

    init(_ arguments: [String], environment: [String: String] = [:], executable: String = AgentProcess.binary) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let output = self.output
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            output.bytes.withLock { $0.append(contentsOf: data) }
        }
        try process.run()
    }

    var text: String { output.bytes.withLock { String(decoding: $0, as: UTF8.self) } }

    var pid: Int32 { process.processIdentifier }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the line matching `predicate` to appear in the output, within `seconds`.
    func waitForOutput(within seconds: Double = 20, _ predicate: (String) -> Bool) async -> Bool {
        await eventually(within: seconds) { predicate(text) }
    }

    /// The port from the JSON "local server listening" log line.
    func listeningPort(within seconds: Double = 30) async -> Int? {
        var port: Int?
        _ = await eventually(within: seconds) {
            for line in text.split(separator: "\n") where line.contains("local server listening") {
                if let range = line.range(of: #""address":"127.0.0.1:"#) {
                    port = Int(line[range.upperBound...].prefix { $0.isNumber })
                }
            }
            return port != nil
        }
        return port
    }

    /// Waits for exit within `seconds`; nil if it is still running (then it is killed).
    func waitForExit(within seconds: Double) async -> Int32? {
        let exited = await eventually(within: seconds) { !process.isRunning }
        if !exited {
            process.terminate()
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
