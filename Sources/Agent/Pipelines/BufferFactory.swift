import Logging
import Pipeline

/// Builds an exporter's buffer from its `buffer:` settings.
enum BufferFactory {
    static func make(_ settings: DeliverySettings.Buffer, exporter: String, logger: Logger) throws -> any TelemetryBuffer {
        switch settings.type {
        case .memory:
            return MemoryBuffer(
                maxBytes: settings.effectiveMaxSize.bytes, maxEvents: settings.maxEvents ?? .max, whenFull: settings.policy)
        case .disk:
            fatalError("disk buffer wiring pending")
        }
    }
}
