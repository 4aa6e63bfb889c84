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
                stoppedDuringShutdown(reason: nil)
            } else {
                logger.error("component stopped on its own")
                health.failed(ComponentExited())
            }
        } catch {
            if isShuttingDown || error is CancellationError {
                stoppedDuringShutdown(reason: error)
            } else {
                logger.error("component failed", error: error)
                health.failed(error)
            }
        }
    }

    /// Cancellation during shutdown means the component was still draining when
    /// `shutdown_timeout` ran out: what it held may not have reached its destination.
    private func stoppedDuringShutdown(reason: (any Error)?) {
        if Task.isCancelled {
            logger.warning("component did not finish draining within server.shutdown_timeout and was cancelled")
        } else {
            logger.debug("component stopped", metadata: reason.map { ["reason": "\($0)"] } ?? [:])
        }
        health.stopped()
    }

    private var isShuttingDown: Bool { Task.isShuttingDownGracefully || Task.isCancelled }
}

struct ComponentExited: Error, CustomStringConvertible {
    var description: String { "the component's task ended unexpectedly" }
}
