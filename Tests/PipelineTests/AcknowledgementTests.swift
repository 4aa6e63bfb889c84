import Synchronization
import Testing
@testable import Pipeline

@Suite("Acknowledgement")
struct AcknowledgementTests {
    @Test("with no parts added, releasing the creator's hold completes it as delivered")
    func creatorOnly() {
        let probe = Probe()
        let acknowledgement = probe.acknowledgement()
        #expect(probe.calls.isEmpty)
        acknowledgement.finish(.delivered)
        #expect(probe.calls == [.delivered])
    }

    @Test("completes once, after the last part, whatever order the parts finish in")
    func afterAllParts() {
        let probe = Probe()
        let acknowledgement = probe.acknowledgement()
        acknowledgement.retain(2)
        acknowledgement.finish(.delivered)  // the creator's hold, released first
        acknowledgement.finish(.delivered)
        #expect(probe.calls.isEmpty)
        acknowledgement.retain()  // a buffer splitting its part while it is still open
        acknowledgement.finish(.delivered)
        #expect(probe.calls.isEmpty)
        acknowledgement.finish(.delivered)
        #expect(probe.calls == [.delivered])
    }

    @Test("one dropped part makes the whole dropped, even when it finishes first")
    func droppedWins() {
        for droppedIndex in 0..<3 {
            let probe = Probe()
            let acknowledgement = probe.acknowledgement()
            acknowledgement.retain(2)
            for index in 0..<3 { acknowledgement.finish(index == droppedIndex ? .dropped : .delivered) }
            #expect(probe.calls == [.dropped], "dropped part \(droppedIndex)")
        }
    }

    @Test("parts finished concurrently from many tasks complete it exactly once")
    func concurrent() async {
        let probe = Probe()
        let acknowledgement = probe.acknowledgement()
        let parts = 200
        acknowledgement.retain(parts)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<parts { group.addTask { acknowledgement.finish(.delivered) } }
        }
        #expect(probe.calls.isEmpty, "the creator's hold is still there")
        acknowledgement.finish(.delivered)
        #expect(probe.calls == [.delivered])
    }
}

extension AcknowledgementTests {
    /// Records what acknowledgement handlers were called with; shared by the pipeline tests.
    final class Probe: Sendable {
        private let outcomes = Mutex<[Acknowledgement.Outcome]>([])

        func acknowledgement() -> Acknowledgement {
            Acknowledgement { outcome in self.outcomes.withLock { $0.append(outcome) } }
        }

        var calls: [Acknowledgement.Outcome] { outcomes.withLock { $0 } }
    }
}
