import Foundation
import Testing
import TestSupport

/// The OTLP/HTTP backend the agent exports to in the SDK tests: ExportersTests'
/// `otlp_receiver.py`, on the official opentelemetry-proto classes, run from the test venv.
/// Every request it decoded is one line of `requests` (see the script).
final class OTLPBackend {
    static let script = AgentProcess.repositoryRoot + "/Tests/ExportersTests/Fixtures/otlp/otlp_receiver.py"

    let port: Int
    let requestsFile: String
    private let process: AgentProcess

    /// Starts it and waits until it answers /healthz; nil (with the issue recorded) if it
    /// does not within 20 s.
    /// - Parameters:
    ///   - port: 0 for any free one (read back from its port file), or the port a test
    ///     already gave the agent, to start the backend after the agent ("down at first").
    ///   - capture: non-OTLP paths whose JSON bodies it records too (a Loki push).
    static func start(python: String, directory: TemporaryDirectory, name: String = "backend", port: Int = 0, capture: [String] = [])
        async throws -> OTLPBackend?
    {
        let portFile = "\(directory.path)/\(name).port"
        let requestsFile = "\(directory.path)/\(name).jsonl"
        let process = try AgentProcess(
            [script, "--port", String(port), "--port-file", portFile, "--out", requestsFile, "--lifetime", "300"]
                + capture.flatMap { ["--capture", $0] },
            executable: python)
        var bound = 0
        let listening = await eventually(within: 20) {
            guard let text = try? String(contentsOfFile: portFile, encoding: .utf8), let number = Int(text) else { return false }
            bound = number
            return (try? RawHTTP.get("/healthz", port: number).status) == 200
        }
        guard listening else {
            Issue.record("the OTLP backend did not start: \(process.text)")
            return nil
        }
        return OTLPBackend(port: bound, requestsFile: requestsFile, process: process)
    }

    private init(port: Int, requestsFile: String, process: AgentProcess) {
        self.port = port
        self.requestsFile = requestsFile
        self.process = process
    }

    var log: String { process.text }

    /// One entry per request, as the backend decoded it (complete lines only).
    func requests() -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: requestsFile, encoding: .utf8) else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: true).compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }

    func stop() {
        process.signal(SIGTERM)
    }
}
