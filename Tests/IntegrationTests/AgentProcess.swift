import Foundation
import TestSupport

/// The built `outrider` binary (or another program) as a child process.
typealias AgentProcess = ChildProcess

extension ChildProcess {
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

    /// The agent, run with `arguments` and `environment` added to the test's own.
    convenience init(_ arguments: [String], environment: [String: String] = [:]) throws {
        try self.init(arguments, environment: environment, executable: Self.binary)
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
}
