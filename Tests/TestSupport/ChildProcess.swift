import Foundation
import Synchronization

/// A child process with its output captured: the built `outrider` binary, run the way
/// Kubernetes runs it (IntegrationTests' `AgentProcess`), or a real program a test starts
/// beside it (Prometheus, Alertmanager, node_exporter). Killed when released.
public final class ChildProcess: Sendable {
    /// What the process wrote to stdout and stderr, appended from the pipe's reader thread.
    final class Output: Sendable {
        let bytes = Mutex<[UInt8]>([])
    }

    private let process: Process
    private let output = Output()

    public init(_ arguments: [String], environment: [String: String] = [:], executable: String) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardInput = FileHandle.nullDevice
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

    public var text: String { output.bytes.withLock { String(decoding: $0, as: UTF8.self) } }

    public var pid: Int32 { process.processIdentifier }

    public func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the line matching `predicate` to appear in the output, within `seconds`.
    public func waitForOutput(within seconds: Double = 20, _ predicate: (String) -> Bool) async -> Bool {
        await eventually(within: seconds) { predicate(text) }
    }

    /// Waits for exit within `seconds`; nil if it is still running (then it is killed).
    public func waitForExit(within seconds: Double) async -> Int32? {
        let exited = await eventually(within: seconds) { !process.isRunning }
        if !exited {
            process.terminate()
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// SIGTERM, then SIGKILL after `grace` seconds: for a `defer` when a server's own
    /// shutdown is not under test.
    public func stop(grace seconds: Double = 10) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
