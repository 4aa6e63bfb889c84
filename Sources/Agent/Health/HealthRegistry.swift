import Telemetry
import Synchronization

/// The agent's view of its own health: what /healthz, /readyz and /status report.
/// Components update it through their `ComponentHealth` handle; the HTTP server reads it.
public final class HealthRegistry: Sendable {
    public enum Phase: String, Sendable {
        /// Config loaded, components starting.
        case starting
        case running
        /// SIGTERM received: intake stops, buffers drain. Not ready any more, still live.
        case shuttingDown = "shutting_down"
    }

    private struct State {
        var phase: Phase = .starting
        var components: [String: ComponentStatus] = [:]
        var order: [String] = []
    }

    public let clock: WallClock
    public let startTime: Timestamp
    private let state = Mutex(State())

    public init(clock: WallClock = .system) {
        self.clock = clock
        self.startTime = clock.now()
    }

    public var phase: Phase {
        get { state.withLock { $0.phase } }
    }

    public func setPhase(_ phase: Phase) {
        state.withLock { $0.phase = phase }
    }

    /// Adds a component (or finds the one of that name) and returns its handle.
    public func register(name: String, kind: String, gatesReadiness: Bool) -> ComponentHealth {
        let now = clock.now()
        state.withLock { state in
            if state.components[name] == nil { state.order.append(name) }
            state.components[name] = ComponentStatus(
                name: name, kind: kind, state: .starting, since: now,
                gatesReadiness: gatesReadiness, ready: false, lastError: nil, counters: [:])
        }
        return ComponentHealth(registry: self, name: name)
    }

    func update(_ name: String, _ change: (inout ComponentStatus, Timestamp) -> Void) {
        let now = clock.now()
        state.withLock { state in
            guard state.components[name] != nil else { return }
            // In place: a copy taken out would share the counters dictionary, and bumping
            // a counter (every collection) would then copy that dictionary.
            change(&state.components[name]!, now)
        }
    }

    public var components: [ComponentStatus] {
        state.withLock { state in state.order.compactMap { state.components[$0] } }
    }

    /// Liveness: the agent is alive while none of its long-running tasks has died.
    public func liveness() -> (alive: Bool, failed: [ComponentStatus]) {
        let failed = components.filter { $0.state == .failed }
        return (failed.isEmpty, failed)
    }

    /// Readiness: config loaded, every source and receiver started, not shutting down.
    /// Exporters are left out on purpose: see `ComponentStatus.gatesReadiness`.
    public func readiness() -> (ready: Bool, reasons: [String]) {
        let (phase, components) = state.withLock { state in
            (state.phase, state.order.compactMap { state.components[$0] })
        }
        var reasons: [String] = []
        switch phase {
        case .starting: reasons.append("agent is starting")
        case .shuttingDown: reasons.append("agent is shutting down")
        case .running: break
        }
        for component in components where component.gatesReadiness {
            if component.state == .failed {
                reasons.append("\(component.kind) \"\(component.name)\" failed: \(component.lastError?.message ?? "stopped")")
            } else if !component.ready {
                reasons.append("\(component.kind) \"\(component.name)\" is not started yet")
            }
        }
        return (reasons.isEmpty, reasons)
    }
}

/// A component's handle on its own entry in the `HealthRegistry`.
public struct ComponentHealth: Sendable {
    let registry: HealthRegistry
    public let name: String

    public func running() {
        registry.update(name) { status, now in
            if status.state != .running { status.since = now }
            status.state = .running
        }
    }

    /// The component accepts data now (a source is reading, a receiver is listening).
    public func ready() {
        registry.update(name) { status, _ in status.ready = true }
    }

    public func stopped() {
        registry.update(name) { status, now in
            status.state = .stopped
            status.ready = false
            status.since = now
        }
    }

    /// The component's task has ended with an error: /healthz turns 503 naming it.
    public func failed(_ error: any Error) {
        registry.update(name) { status, now in
            status.state = .failed
            status.ready = false
            status.since = now
            status.lastError = .init(message: String(describing: error), time: now)
        }
    }

    /// A failure the component survived (a backend refused a batch, a file was unreadable).
    public func recordError(_ message: String) {
        registry.update(name) { status, now in
            status.lastError = .init(message: message, time: now)
        }
    }

    /// Replaces the list of current problems (shown on /status).
    public func setProblems(_ problems: [String]) {
        registry.update(name) { status, _ in status.problems = problems }
    }

    public func count(_ counter: String, by amount: Int = 1) {
        registry.update(name) { status, _ in status.counters[counter, default: 0] += amount }
    }
}
