import Agent
import ArgumentParser

/// `outrider version`: what was built, from which commit, with which Swift.
struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version, git commit and Swift version.")

    func run() {
        print("outrider \(BuildInfo.version) (commit \(BuildInfo.gitCommit), Swift \(BuildInfo.swiftVersion))")
    }
}
