import Synchronization

/// Collects the agent's log lines in memory instead of standard error.
final class LineCapture: Sendable {
    let lines = Mutex<[String]>([])

    var sink: @Sendable ([UInt8]) -> Void {
        { bytes in self.lines.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) } }
    }

    var all: [String] { lines.withLock { $0 } }
}
