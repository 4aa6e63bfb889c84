import Foundation
import TestSupport
import Testing

@Suite("The outrider command line")
struct CommandLineTests {
    func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32?, output: String) {
        let process = try AgentProcess(arguments, environment: environment)
        let status = await process.waitForExit(within: 30)
        try? await Task.sleep(for: .milliseconds(200))  // let the pipe reader catch up
        return (status, process.text)
    }

    @Test(arguments: ["config/outrider.yaml", "config/sidecar.yaml"])
    func bundledConfigsAreValid(_ file: String) async throws {
        let path = "\(AgentProcess.repositoryRoot)/\(file)"
        // No SERVICE_NAME or POD_NAME here: the bundled configs validate on a bare machine.
        let result = try await run(["validate", "--config", path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("\(path): valid"))
    }

    @Test func validatePrintsEveryErrorAndExitsOne() async throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("bad.yaml", """
            log:
              level: loud
            server:
              listen: "localhost:99999"
            pipelines:
              logs: {sources: [app], exporters: [out]}
            """)
        let result = try await run(["validate", "--config", file])
        #expect(result.status == 1)
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines == [
            "\(file):2:10: log.level: expected one of debug, info, warn, error, critical, got \"loud\"",
            "\(file):4:11: server.listen: expected a port between 0 and 65535, got \"localhost:99999\"",
            "\(file):6:20: pipelines.logs.sources[0]: unknown source \"app\" (no sources are declared)",
            "\(file):6:38: pipelines.logs.exporters[0]: unknown exporter \"out\" (no exporters are declared)",
            "\(file): 4 errors",
        ])
    }

    @Test func validateOfAnUnreadableFileExitsTwo() async throws {
        let result = try await run(["validate", "--config", "/nonexistent/outrider.yaml"])
        #expect(result.status == 2)
        #expect(result.output.contains("/nonexistent/outrider.yaml: cannot read config file: No such file or directory"))
    }

    @Test func configPathFromTheEnvironment() async throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("env.yaml", "log: {level: warn}\n")
        let result = try await run(["validate"], environment: ["OUTRIDER_CONFIG": file])
        #expect(result.status == 0)
        #expect(result.output.contains("\(file): valid"))
    }

    @Test func runRefusesAnInvalidConfig() async throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("bad.yaml", "server:\n  shutdown_timeout: soon\n")
        let result = try await run(["run", "--config", file])
        #expect(result.status == 1)
        #expect(result.output.contains("\(file):2:21: server.shutdown_timeout: expected a duration like \"5s\", got \"soon\""))
        #expect(try await run(["run", "--config", "/nonexistent.yaml"]).status == 2)
    }

    @Test func versionNamesCommitAndSwift() async throws {
        let result = try await run(["version"])
        #expect(result.status == 0)
        #expect(result.output.hasPrefix("outrider 0.1.0 (commit "))
        #expect(result.output.contains(", Swift 6."))
    }

    @Test func helpDescribesTheCommands() async throws {
        let result = try await run(["--help"])
        #expect(result.status == 0)
        for word in ["run", "validate", "version", "SIGHUP", "SIGTERM"] {
            #expect(result.output.contains(word), "help lacks \(word)")
        }
        let runHelp = try await run(["run", "--help"])
        for word in ["--config", "OUTRIDER_CONFIG", "/etc/outrider/outrider.yaml", "Exit status"] {
            #expect(runHelp.output.contains(word), "run --help lacks \(word)")
        }
    }
}
