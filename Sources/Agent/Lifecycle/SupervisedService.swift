import Logging
import ServiceLifecycle

/// Runs one component and keeps its health entry true. A component whose task ends before
/// shutdown is marked failed (so /healthz answers 503 naming it and the kubelet restarts
/// the pod) instead of taking every other component down with it.
struct SupervisedService: Service {
    let inner: any Service
    let health: ComponentHealth
    let logger: Logger

    func run() async {
        health.running()
        do {
            try await inner.run()
            if isShuttingDown {
                logger.debug("component stopped")
                health.stopped()
            } else {
                logger.error("component stopped on its own")
                health.failed(ComponentExited())
            }
        } catch {
            if isShuttingDown || error is CancellationError {
                logger.debug("component stopped", metadata: ["reason": "\(error)"])
                health.stopped()
            } else {
                logger.error("component failed", error: error)
                health.failed(error)
            }
        }
    }

    private var isShuttingDown: Bool { Task.isShuttingDownGracefully || Task.isCancelled }
}

struct ComponentExited: Error, CustomStringConvertible {
    var description: String { "the component's task ended unexpectedly" }
}
