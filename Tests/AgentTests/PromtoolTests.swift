import Agent
import Foundation
import TestSupport
import Testing

@Suite("/metrics passes `promtool check metrics`")
struct PromtoolTests {
    @Test func exposition() async throws {
        guard let promtool = Prerequisite.executable("promtool", installHint: "apt-get install prometheus") else { return }
        let agent = try await RunningAgent(config: LocalServerTests.config)
        let body = try agent.get("/metrics").body
        _ = try await agent.stop()

        let result = try Command.run(promtool, ["check", "metrics"], input: Array(body.utf8))
        #expect(result.status == 0, "promtool failed: \(result.output)")
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "promtool reported: \(result.output)")
    }
}
