import Agent
import Foundation
import Logging
import TestSupport
import YAML

/// An agent running in the test process on an ephemeral port, with its log lines captured.
final class RunningAgent: Sendable {
    let runtime: AgentRuntime
    let port: Int
    let configFile: String
    let directory: TemporaryDirectory
    let capture = LineCapture()
    private let task: Task<Void, any Error>

    init(config: String, catalog: ComponentCatalog = .test) async throws {
        directory = try TemporaryDirectory()
        configFile = try directory.write("outrider.yaml", config)
        let loader = ConfigLoader(catalog: catalog, environment: EnvironmentSubstitution([:]))
        let loaded = try loader.load(contentsOf: configFile)
        let output = LogOutput(settings: loaded.config.log, sink: capture.sink)
        let runtime = try AgentRuntime(loaded: loaded, loader: loader, logOutput: output, signals: [])
        self.runtime = runtime
        task = Task { try await runtime.run() }
        var bound: Int?
        // 30 s: on a loaded 2-core CI run the agent's start can wait long for a pool thread.
        _ = await eventually(within: 30) { bound = runtime.server.localAddress?.port; return bound != nil }
        guard let bound else { throw RawHTTP.Failure(description: "server did not bind") }
        port = bound
    }

    func get(_ path: String, method: String = "GET") throws -> RawHTTP.Response {
        try RawHTTP.get(path, port: port, method: method)
    }

    var logs: String { capture.all.joined() }

    /// Waits for the agent's run to end, returning or throwing what it did.
    func stopped() async throws {
        try await task.value
    }

    /// Graceful shutdown, as SIGTERM; returns how long the drain took.
    func stop() async throws -> Duration {
        let start = ContinuousClock.now
        await runtime.shutdown()
        try await task.value
        return ContinuousClock.now - start
    }
}
