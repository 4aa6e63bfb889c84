import Telemetry

/// Where one source's batches go: every pipeline that names the source runs its processors
/// on its own copy and fans the result out to its exporters' buffers.
///
/// Back-pressure starts here. `send` waits while a `block` buffer is full, so a tailer that
/// awaits it stops reading; `trySend` never waits and says `.full`, so a receiver can
/// answer 503 with Retry-After. Either way a batch is handed to all buffers or to none.
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
        try await deliver(targets, ifBlocked: .wait, acknowledgement: acknowledgement)
    }

    /// Sends `batch` unless a `block` buffer is full right now.
    public func trySend(_ batch: TelemetryBatch, acknowledgement: Acknowledgement? = nil) async throws(BufferError) -> Acceptance {
        try await trySend([batch], acknowledgement: acknowledgement)
    }

    /// Sends all of `batches` (one OTLP request's resources) unless a `block` buffer lacks
    /// room for their sum right now, in which case none is sent and no processor sees them:
    /// a sender told to retry must not find part of its request already delivered, nor a
    /// processor's counters counting its retries again. One acknowledgement covers all.
    ///
    /// Never waits: once room was found, every copy is appended with `.admit`, so a tailer
    /// that takes the room in between makes a buffer pass its bound (by this request)
    /// rather than leave this request hanging or half-sent. Throws `.closed` when a buffer
    /// is closed (the agent is stopping), before anything is sent unless it closes meanwhile.
    public func trySend(_ batches: [TelemetryBatch], acknowledgement: Acknowledgement? = nil) async throws(BufferError) -> Acceptance {
        guard try hasRoom(for: batches) else { return .full }
        var targets: [(any TelemetryBuffer, BufferItem)] = []
        for batch in batches { targets += prepare(batch, acknowledgement: acknowledgement) }
        try await deliver(targets, ifBlocked: .admit, acknowledgement: acknowledgement)
        return .accepted
    }

    /// Whether every `block` buffer `batches` lead to has room for them. Sized as received,
    /// before processors (which run only once the answer is yes): what they drop makes the
    /// check stricter, what they add (a few resource attributes) is taken with `.admit`. A
    /// buffer that several routes or batches lead to takes one copy each: they are summed.
    private func hasRoom(for batches: [TelemetryBatch]) throws(BufferError) -> Bool {
        var demand: [ObjectIdentifier: (buffer: any TelemetryBuffer, events: Int, bytes: Int)] = [:]
        for batch in batches {
            var size: (events: Int, bytes: Int)?
            for route in routes where route.signal == batch.signal {
                let (events, bytes) = size ?? (batch.eventCount, batch.estimatedBytes)
                size = (events, bytes)
                for buffer in route.buffers {
                    demand[ObjectIdentifier(buffer), default: (buffer, 0, 0)].events += events
                    demand[ObjectIdentifier(buffer), default: (buffer, 0, 0)].bytes += bytes
                }
            }
        }
        // Every buffer is asked, drop policies too: a closed one throws before a full one answers.
        var room = true
        for (buffer, events, bytes) in demand.values {
            let fits = try buffer.hasRoom(events: events, bytes: bytes)
            if !fits && buffer.whenFull == .block { room = false }
        }
        return room
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

    private func deliver(
        _ targets: [(any TelemetryBuffer, BufferItem)], ifBlocked: BlockedAppend, acknowledgement: Acknowledgement?
    ) async throws(BufferError) {
        acknowledgement?.retain(targets.count)
        // Release the creator's hold whatever happens below, so the source hears back.
        defer { acknowledgement?.finish(.delivered) }
        for (index, (buffer, item)) in targets.enumerated() {
            do {
                _ = try await buffer.append(item, ifBlocked: ifBlocked)
            } catch {
                // Parts that will never reach a buffer end here: not accepted, so the source
                // keeps its checkpoint before this batch and sends it again after a restart.
                for _ in index..<targets.count { acknowledgement?.finish(.notAccepted) }
                throw error
            }
        }
    }
}
