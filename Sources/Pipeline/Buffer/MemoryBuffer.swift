import DequeModule
import Synchronization
import Telemetry

/// The `memory` buffer: a bounded queue of batches. Bounded in bytes (estimated) and
/// events, counting batches out for delivery until they complete, so a dead backend
/// cannot make it grow. Acknowledgements finish on delivery: with this buffer a source's
/// checkpoint moves only past data a backend accepted.
public final class MemoryBuffer: TelemetryBuffer {
    public let whenFull: WhenFull
    public let stats: BufferStats
    private let maxBytes: Int
    private let maxEvents: Int
    private let state = Mutex(State())
    private let roomFreed = AsyncCondition()
    private let dataArrived = AsyncCondition()

    private struct Entry {
        var batch: TelemetryBatch
        var acknowledgement: Acknowledgement?
        var events: Int
        var bytes: Int
        var arrived: ContinuousClock.Instant
    }

    private struct State {
        var queue = Deque<Entry>()
        var queuedEvents = 0
        var queuedBytes = 0
        var inFlightEvents = 0
        var inFlightBytes = 0
        var closed = false

        var events: Int { queuedEvents + inFlightEvents }
        var bytes: Int { queuedBytes + inFlightBytes }
    }

    public init(maxBytes: Int, maxEvents: Int = .max, whenFull: WhenFull) {
        self.maxBytes = max(1, maxBytes)
        self.maxEvents = max(1, maxEvents)
        self.whenFull = whenFull
        self.stats = BufferStats(kind: "memory", capacityBytes: maxBytes, capacityEvents: maxEvents)
    }

    public func hasRoom(events: Int, bytes: Int) throws(BufferError) -> Bool {
        try state.withLock { (state: inout State) throws(BufferError) -> Bool in
            guard !state.closed else { throw .closed }
            return fits(events: events, bytes: bytes, in: state)
        }
    }

    /// An item larger than the whole buffer is taken when the buffer is empty: otherwise
    /// `block` would wait forever. The bound is then exceeded by at most one batch.
    private func fits(events: Int, bytes: Int, in state: State) -> Bool {
        (state.events == 0) || (state.events + events <= maxEvents && state.bytes + bytes <= maxBytes)
    }

    public func append(_ item: BufferItem, ifBlocked: BlockedAppend) async throws(BufferError) -> AppendResult {
        while true {
            enum Decision {
                case accepted(evicted: [Entry])
                case dropped
                case full
                case wait(UInt64)
            }
            let decision = try state.withLock { (state: inout State) throws(BufferError) -> Decision in
                guard !state.closed else { throw .closed }
                var evicted: [Entry] = []
                if !fits(events: item.events, bytes: item.bytes, in: state) {
                    switch whenFull {
                    case .dropNewest:
                        return .dropped
                    case .block:
                        switch ifBlocked {
                        case .wait: return .wait(roomFreed.generation)
                        case .refuse: return .full
                        case .admit: break
                        }
                    case .dropOldest:
                        while !fits(events: item.events, bytes: item.bytes, in: state), let oldest = state.queue.popFirst() {
                            state.queuedEvents -= oldest.events
                            state.queuedBytes -= oldest.bytes
                            evicted.append(oldest)
                        }
                        // What is left is out for delivery and cannot be dropped: the newcomer goes,
                        // and the evicted batches go back, or they would vanish unacknowledged.
                        if !fits(events: item.events, bytes: item.bytes, in: state) {
                            for entry in evicted.reversed() {
                                state.queue.prepend(entry)
                                state.queuedEvents += entry.events
                                state.queuedBytes += entry.bytes
                            }
                            return .dropped
                        }
                    }
                }
                state.queue.append(Entry(
                    batch: item.batch, acknowledgement: item.acknowledgement, events: item.events, bytes: item.bytes,
                    arrived: .now))
                state.queuedEvents += item.events
                state.queuedBytes += item.bytes
                stats.set(events: state.events, bytes: state.bytes)
                return .accepted(evicted: evicted)
            }
            switch decision {
            case .accepted(let evicted):
                if !evicted.isEmpty {
                    stats.dropped.add(evicted.reduce(0) { $0 + $1.events }, BufferStats.droppedFull)
                    for entry in evicted { entry.acknowledgement?.finish(.dropped) }
                }
                dataArrived.notifyAll()
                return .accepted
            case .dropped:
                stats.dropped.add(item.events, BufferStats.droppedFull)
                item.acknowledgement?.finish(.dropped)
                return .dropped
            case .full:
                return .full
            case .wait(let generation):
                await roomFreed.wait(after: generation)
                if Task.isCancelled { throw .cancelled }
            }
        }
    }

    public func nextBatch(_ limits: BatchLimits) async -> BufferedBatch? {
        while true {
            enum Decision {
                case batch(BufferedBatch)
                case finished
                case wait(UInt64, until: ContinuousClock.Instant?)
            }
            let decision = state.withLock { state -> Decision in
                guard let first = state.queue.first else {
                    return state.closed ? .finished : .wait(dataArrived.generation, until: nil)
                }
                let deadline = first.arrived.advanced(by: limits.maxWait)
                if state.queuedEvents >= limits.maxEvents || state.queuedBytes >= limits.maxBytes || state.closed
                    || ContinuousClock.now >= deadline || Task.isCancelled
                {
                    return .batch(take(limits, from: &state))
                }
                return .wait(dataArrived.generation, until: deadline)
            }
            switch decision {
            case .batch(let batch):
                return batch
            case .finished:
                return nil
            case .wait(let generation, let deadline?):
                await dataArrived.wait(after: generation, until: deadline)
            case .wait(let generation, nil):
                if Task.isCancelled { return nil }
                await dataArrived.wait(after: generation)
            }
        }
    }

    /// Whole entries of one signal while they fit; a first entry larger than the limits is
    /// split. One signal per delivery batch: backends like OTLP/HTTP take each at its own URL.
    private func take(_ limits: BatchLimits, from state: inout State) -> BufferedBatch {
        var batches: [TelemetryBatch] = []
        var acknowledgements: [Acknowledgement] = []
        var events = 0
        var bytes = 0
        while var entry = state.queue.first {
            if let first = batches.first, first.signal != entry.batch.signal { break }
            if events + entry.events > limits.maxEvents || bytes + entry.bytes > limits.maxBytes {
                guard batches.isEmpty else { break }
                // Split by events, in proportion to bytes when bytes are the tighter limit.
                let byBytes = entry.bytes > limits.maxBytes ? max(1, entry.events * limits.maxBytes / max(1, entry.bytes)) : entry.events
                let count = min(limits.maxEvents, byBytes)
                if count < entry.events {
                    let head = entry.batch.removeFirst(count)
                    let headBytes = head.estimatedBytes
                    entry.acknowledgement?.retain()
                    state.queue[state.queue.startIndex].batch = entry.batch
                    state.queue[state.queue.startIndex].events -= count
                    state.queue[state.queue.startIndex].bytes = max(0, entry.bytes - headBytes)
                    state.queuedEvents -= count
                    state.queuedBytes -= min(entry.bytes, headBytes)
                    state.inFlightEvents += count
                    state.inFlightBytes += min(entry.bytes, headBytes)
                    if let acknowledgement = entry.acknowledgement { acknowledgements.append(acknowledgement) }
                    return BufferedBatch(batches: [head], events: count, bytes: min(entry.bytes, headBytes), receipt: .memory(acknowledgements))
                }
            }
            state.queue.removeFirst()
            state.queuedEvents -= entry.events
            state.queuedBytes -= entry.bytes
            state.inFlightEvents += entry.events
            state.inFlightBytes += entry.bytes
            events += entry.events
            bytes += entry.bytes
            batches.append(entry.batch)
            if let acknowledgement = entry.acknowledgement { acknowledgements.append(acknowledgement) }
        }
        return BufferedBatch(batches: batches, events: events, bytes: bytes, receipt: .memory(acknowledgements))
    }

    public func complete(_ batch: BufferedBatch, delivered: Bool) {
        guard case .memory(let acknowledgements) = batch.receipt else {
            preconditionFailure("a disk buffer's batch completed on a memory buffer")
        }
        state.withLock { state in
            state.inFlightEvents -= batch.events
            state.inFlightBytes -= batch.bytes
            stats.set(events: state.events, bytes: state.bytes)
        }
        roomFreed.notifyAll()
        for acknowledgement in acknowledgements { acknowledgement.finish(delivered ? .delivered : .dropped) }
    }

    public func close() async {
        state.withLock { $0.closed = true }
        roomFreed.notifyAll()
        dataArrived.notifyAll()
    }
}
