import ServiceLifecycle
import UnixSignals

/// Reloads the config on SIGHUP, the way Prometheus and nginx do.
struct ConfigReloader: Service {
    let reload: @Sendable () async -> Void

    func run() async {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            await reload()
        }
    }
}

/// Flips the agent to `shutting_down` the moment graceful shutdown begins, so /readyz
/// turns 503 while the components drain. It is the last service of the group, so the
/// first one the group tells to shut down.
struct ShutdownAnnouncer: Service {
    let health: HealthRegistry

    func run() async {
        health.setPhase(.running)
        try? await gracefulShutdown()
        health.setPhase(.shuttingDown)
    }
}
