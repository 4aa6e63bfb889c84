import ServiceLifecycle
import UnixSignals

/// Reloads the config on SIGHUP, the way Prometheus and nginx do. The signal is trapped
/// by whoever creates `signals`, before the group starts.
struct ConfigReloader: Service {
    let signals: UnixSignalsSequence
    let reload: @Sendable () async -> Void

    func run() async {
        for await _ in signals.cancelOnGracefulShutdown() {
            await reload()
        }
    }
}

/// Moves the agent's phase: `running` once the group has started, `shutting_down` the
/// moment graceful shutdown begins, so /readyz turns 503 while the components drain. It
/// is the last service of the group, so the first one the group tells to shut down.
struct ReadinessPhase: Service {
    let health: HealthRegistry

    func run() async {
        health.setPhase(.running)
        try? await gracefulShutdown()
        health.setPhase(.shuttingDown)
    }
}
