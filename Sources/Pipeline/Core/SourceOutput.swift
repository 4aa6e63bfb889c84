import Telemetry

/// Where one source's batches go: every pipeline that names the source runs its processors
/// on its own copy and fans the result out to its exporters' buffers.
///
/// Back-pressure starts here. `send` waits while a `block` buffer is full, so a tailer that
/// awaits it stops reading; `trySend` never waits and says `.full`, so a receiver can
/// answer 503 with Retry-After. Either way a batch is handed to all buffers or to none
/// (bar a race with another sender, which costs a short wait, never a copy).
public final class SourceOutput: Sendable {
    public struct Route: Sendable {
        public let pipeline: String
        public let signal: Signal
        public let processors: [any Processor]
        public let buffers: [any TelemetryBuffer]

        public init(pipeline: String, signal: Signal, processors: [any Processor], buffers: [any TelemetryBuffer]) {
            self.pipeline = pipeline
            self.signal = signal
            self.processors = processors
            self.buffers = buffers
        }
    }

    public enum Acceptance: Sendable, Hashable {
        case accepted
        /// A `block` buffer had no room; nothing was sent.
        case full
    }

    public let routes: [Route]
    /// Added to every batch's resource where the source did not set the key itself
    /// (`service.name` and `service.attributes` from the config).
    public let resource: Resource

    public init(routes: [Route], resource: Resource = Resource()) {
        self.routes = routes
        self.resource = resource
    }

    public func accepts(_ signal: Signal) -> Bool {
        routes.contains { $0.signal == signal }
    }

    /// Sends `batch`, waiting while a `block` buffer is full. The acknowledgement completes
    /// once every buffer has delivered (memory) or stored (disk) its part, or dropped it.
    public func send(_ batch: TelemetryBatch, acknowledgement: Acknowledgement? = nil) async throws(BufferError) {
        let targets = prepare(batch, acknowledgement: acknowledgement)
        try await deliver(targets, acknowledgement: acknowledgement)
    }

    /// Sends `batch` unless a `block` buffer is full right now.
    public func trySend(_ batch: TelemetryBatch, acknowledgement: Acknowledgement? = nil) async throws(BufferError) -> Acceptance {
        try await trySend([batch], acknowledgement: acknowledgement)
    }

    /// Sends all of `batches` (one OTLP request's resources) unless a `block` buffer lacks
    /// room for their sum right now, in which case none is sent: a sender told to retry
    /// must not find part of its request already delivered. One acknowledgement covers all.
    public func trySend(_ batches: [TelemetryBatch], acknowledgement: Acknowledgement? = nil) async throws(BufferError) -> Acceptance {
        var targets: [(any TelemetryBuffer, BufferItem)] = []
        for batch in batches { targets += prepare(batch, acknowledgement: acknowledgement) }
        // A buffer that several routes or batches lead to takes one copy each: check them
        // summed, or a later copy would wait for room here.
        var demand: [ObjectIdentifier: (buffer: any TelemetryBuffer, events: Int, bytes: Int)] = [:]
        for (buffer, item) in targets where buffer.whenFull == .block {
            demand[ObjectIdentifier(buffer), default: (buffer, 0, 0)].events += item.events
            demand[ObjectIdentifier(buffer), default: (buffer, 0, 0)].bytes += item.bytes
        }
        for (buffer, events, bytes) in demand.values where !buffer.hasRoom(events: events, bytes: bytes) {
            return .full
        }
        try await deliver(targets, acknowledgement: acknowledgement)
        return .accepted
    }

    private func prepare(_ batch: TelemetryBatch, acknowledgement: Acknowledgement?) -> [(any TelemetryBuffer, BufferItem)] {
        var stamped = batch
        for (key, value) in resource.attributes.pairs { stamped.resource.attributes.setIfAbsent(key, value) }
        var targets: [(any TelemetryBuffer, BufferItem)] = []
        for route in routes where route.signal == stamped.signal {
            var processed = stamped
            for processor in route.processors {
                processor.process(&processed)
                if processed.isEmpty { break }
            }
            guard !processed.isEmpty else { continue }
            let item = BufferItem(processed, acknowledgement: acknowledgement)
            for buffer in route.buffers { targets.append((buffer, item)) }
        }
        return targets
    }

    private func deliver(_ targets: [(any TelemetryBuffer, BufferItem)], acknowledgement: Acknowledgement?) async throws(BufferError) {
        acknowledgement?.retain(targets.count)
        // Release the creator's hold whatever happens below, so the source hears back.
        defer { acknowledgement?.finish(.delivered) }
        for (index, (buffer, item)) in targets.enumerated() {
            do {
                _ = try await buffer.append(item, waitForRoom: true)
            } catch {
                // Parts that will never reach a buffer end here: not accepted, so the source
                // keeps its checkpoint before this batch and sends it again after a restart.
                for _ in index..<targets.count { acknowledgement?.finish(.notAccepted) }
                throw error
            }
        }
    }
}
