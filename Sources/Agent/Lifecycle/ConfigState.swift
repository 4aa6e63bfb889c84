import Telemetry
import Synchronization
import YAML

/// The config the agent runs on now, and how the last (re)load went: /status shows it,
/// the server reads its paths from it, SIGHUP replaces it.
public final class ConfigState: Sendable {
    public struct Reload: Sendable {
        public var succeeded: Bool
        public var time: Timestamp
        public var errors: [String]
    }

    private struct State {
        var config: AgentConfig
        var generation: Int
        var loadedAt: Timestamp
        var lastReload: Reload?
    }

    private let state: Mutex<State>

    public init(_ config: AgentConfig, loadedAt: Timestamp) {
        state = Mutex(State(config: config, generation: 1, loadedAt: loadedAt, lastReload: nil))
    }

    public var config: AgentConfig { state.withLock { $0.config } }
    public var generation: Int { state.withLock { $0.generation } }
    public var loadedAt: Timestamp { state.withLock { $0.loadedAt } }
    public var lastReload: Reload? { state.withLock { $0.lastReload } }

    func replace(with config: AgentConfig, at time: Timestamp) {
        state.withLock { state in
            state.config = config
            state.generation += 1
            state.loadedAt = time
            state.lastReload = Reload(succeeded: true, time: time, errors: [])
        }
    }

    func recordFailedReload(_ errors: [String], at time: Timestamp) {
        state.withLock { $0.lastReload = Reload(succeeded: false, time: time, errors: errors) }
    }
}
