import Telemetry

extension DiskBuffer {
    /// What one append attempt on the I/O queue came to.
    enum AppendOutcome: Sendable {
        case accepted
        case dropped
        case full
        case wait
        case closed
        case tooLarge
        case failed
    }

    public func append(_ item: BufferItem, ifBlocked: BlockedAppend) async throws(BufferError) -> AppendResult {
        if state.withLock({ $0.closed }) { throw .closed }
        guard item.events > 0 else {
            item.acknowledgement?.finish(.delivered)
            return .accepted
        }
        // Encoding is CPU work: it stays on the caller's task, off the I/O queue.
        let (records, tooLarge) = DiskBufferEncodedRecord.encode(
            item.batch, events: item.events, bytes: item.bytes, limit: log.configuration.maxRecordBytes)
        stats.dropped.add(tooLarge, Self.droppedTooLarge)
        if records.isEmpty {
            item.acknowledgement?.finish(.dropped)
            return .dropped
        }
        let kept = item.events - tooLarge
        while true {
            // Read before the attempt, so room freed during it is not missed.
            let generation = roomFreed.generation
            switch await onQueue({ self.appendNow(records, ifBlocked: ifBlocked) }) {
            case .accepted:
                dataArrived.notifyAll()
                item.acknowledgement?.finish(tooLarge > 0 ? .dropped : .delivered)
                return .accepted
            case .dropped:
                stats.dropped.add(kept, BufferStats.droppedFull)
                item.acknowledgement?.finish(.dropped)
                return .dropped
            case .full:
                return .full
            case .closed:
                throw .closed
            case .tooLarge:
                stats.dropped.add(kept, Self.droppedTooLarge)
                item.acknowledgement?.finish(.dropped)
                return .dropped
            case .failed:
                stats.dropped.add(kept, Self.droppedDiskError)
                item.acknowledgement?.finish(.dropped)
                return .dropped
            case .wait:
                // Acknowledgements wake us; the timeout covers space freed by someone else
                // on the volume, which nothing here would notice.
                await roomFreed.wait(after: generation, until: .now + Self.fullRetryInterval)
                if Task.isCancelled { throw .cancelled }
            }
        }
    }

    /// On the I/O queue only: the events bound, then the log append, each applying the
    /// `when_full` policy when there is no room.
    ///
    /// The log's byte cap is passed (by this one append) when the buffer holds nothing live
    /// — an item larger than the whole buffer goes in then, as in the memory buffer — and
    /// for `.admit`. Appends are serial on this queue, so no two make use of it at once.
    func appendNow(_ records: [DiskBufferEncodedRecord], ifBlocked: BlockedAppend) -> AppendOutcome {
        let events = records.reduce(0) { $0 + $1.events }
        let admit = whenFull == .block && ifBlocked == .admit
        while true {
            let check = state.withLock { state -> Bool? in state.closed ? nil : fitsEvents(events, in: state) }
            guard let fits = check else { return .closed }
            if fits || admit { break }
            switch whenFull {
            case .dropNewest: return .dropped
            case .block: return ifBlocked == .wait ? .wait : .full
            case .dropOldest: if !evictOldest(atFront: false) { return .dropped }
            }
        }
        while true {
            do throws(DiskLogError) {
                let empty = state.withLock { $0.liveEvents == 0 }
                let range = try log.append(records.map(\.bytes), pastLimit: admit || empty)
                let now = ContinuousClock.now
                state.withLock { state in
                    for (offset, record) in records.enumerated() {
                        state.add(DiskBufferRecord(
                            position: range.lowerBound + UInt64(offset), events: record.events,
                            bytes: record.estimatedBytes, appended: now, signal: record.signal, phase: .unread))
                    }
                    state.diskFullSince = nil
                }
                refreshLogBytes()
                return .accepted
            } catch {
                switch error {
                case .full:
                    state.withLock { $0.diskFullSince = .now }
                    switch whenFull {
                    case .dropNewest: return .dropped
                    // Admitted past the cap, so the filesystem itself is full (ENOSPC) since
                    // the sender's check: it must not wait, and its other copies are sent.
                    case .block where admit: return .dropped
                    case .block: return ifBlocked == .wait ? .wait : .full
                    case .dropOldest:
                        // Space comes back in whole segments: drop from the front until one
                        // is freed, then try again.
                        let before = log.state.pendingBytes
                        repeat {
                            if !evictOldest(atFront: true) { return .dropped }
                        } while log.state.pendingBytes >= before
                    }
                case .batchTooLarge, .recordTooLarge:
                    return .tooLarge
                case .closed:
                    return .closed
                default:
                    record(error)
                    return .failed
                }
            }
        }
    }

    /// On the I/O queue only: drops the oldest unread record (counted as `buffer_full`)
    /// and acknowledges what that makes contiguous. False when nothing can be dropped.
    func evictOldest(atFront: Bool) -> Bool {
        let result = state.withLock { state -> (events: Int, target: UInt64?)? in
            guard let events = state.evictOldestUnread(atFront: atFront) else { return nil }
            stats.set(events: state.liveEvents, bytes: state.logBytes)
            return (events, state.logClosing ? nil : state.popDonePrefix())
        }
        guard let result else { return false }
        stats.dropped.add(result.events, BufferStats.droppedFull)
        if let target = result.target { acknowledgeNow(through: target) }
        return true
    }
}
