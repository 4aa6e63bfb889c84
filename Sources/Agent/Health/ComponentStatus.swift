import Telemetry

/// What the agent knows about one of its running parts, as /status shows it.
public struct ComponentStatus: Sendable, Hashable {
    public enum State: String, Sendable, Hashable {
        case starting, running, stopped, failed
    }

    public struct LastError: Sendable, Hashable {
        public var message: String
        public var time: Timestamp
    }

    public var name: String
    /// `source`, `processor`, `exporter`, or an internal part such as `server`.
    public var kind: String
    public var state: State
    public var since: Timestamp
    /// Sources and receivers gate /readyz; exporters never do, so a backend outage
    /// cannot take the whole pod out of its Service.
    public var gatesReadiness: Bool
    public var ready: Bool
    public var lastError: LastError?
    public var counters: [String: Int]
    /// Conditions the component works around right now (a file it cannot read), cleared
    /// when they end; empty when all is well.
    public var problems: [String] = []
}
