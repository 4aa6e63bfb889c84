import Telemetry

extension DiskBuffer {
    public func nextBatch(_ limits: BatchLimits) async -> BufferedBatch? {
        while true {
            enum Decision {
                case batch(BufferedBatch)
                case read([DiskBufferRecord])
                case finished(closed: Bool)
                case wait(UInt64, until: ContinuousClock.Instant?)
            }
            let decision = state.withLock { state -> Decision in
                // Cancelled: the rest stays on disk for the next start, never handed to a
                // loop that can no longer deliver it.
                if state.logClosing || Task.isCancelled { return .finished(closed: state.closed) }
                if !state.remainders.isEmpty { return .batch(takeRemainder(limits, from: &state)) }
                guard let index = state.firstUnreadIndex else {
                    // Another reader may still turn out a remainder.
                    if state.closed && state.readsInProgress == 0 { return .finished(closed: true) }
                    return .wait(dataArrived.generation, until: nil)
                }
                // Replayed records are due at once; appended ones after `maxWait`.
                let deadline = state.records[index].appended?.advanced(by: limits.maxWait)
                if state.closed || state.unreadEvents >= limits.maxEvents || state.unreadBytes >= limits.maxBytes
                    || deadline.map({ ContinuousClock.now >= $0 }) ?? true
                {
                    return .read(state.claim(limits))
                }
                return .wait(dataArrived.generation, until: deadline)
            }
            switch decision {
            case .batch(let batch):
                return batch
            case .read(let records):
                if let batch = await read(records, limits) { return batch }
            case .finished(let closed):
                if closed && Task.isCancelled {
                    // Shutdown ran out of time: sync and release the log now.
                    await closeLog()
                } else {
                    closeLogIfDrained()
                }
                return nil
            case .wait(let generation, let deadline?):
                await dataArrived.wait(after: generation, until: deadline)
            case .wait(let generation, nil):
                await dataArrived.wait(after: generation)
            }
        }
    }

    /// Reads and decodes claimed records into one delivery batch. Records that cannot be
    /// read or decoded are dropped as corrupt (and acknowledged: retrying cannot help).
    /// Nil when nothing was left to deliver.
    private func read(_ records: [DiskBufferRecord], _ limits: BatchLimits) async -> BufferedBatch? {
        let span = state.withLock { state -> Int in
            guard let first = records.first.flatMap({ state.index(of: $0.position) }),
                let last = records.last.flatMap({ state.index(of: $0.position) })
            else { return records.count }
            return last - first + 1
        }
        let read = await onQueue { self.readNow(records.map(\.position), span: span) }
        guard case .success(let payloads) = read else {
            let generation = dataArrived.generation
            state.withLock { state in
                state.readsInProgress -= 1
                state.unclaim(records.map(\.position))
            }
            dataArrived.notifyAll()
            // An I/O error (recorded for /status): retry later rather than spin.
            if case .failure(let error) = read, error != .closed {
                await dataArrived.wait(after: generation &+ 1, until: .now + Self.fullRetryInterval)
            }
            return nil
        }

        var batches: [TelemetryBatch] = []
        var parts: [UInt64] = []
        var events = 0
        var bytes = 0
        var corrupt: [DiskBufferRecord] = []
        var remainder: DiskBufferRemainder?
        for record in records {
            guard let payload = payloads[record.position], var batch = try? BatchCodec.decode(payload) else {
                corrupt.append(record)
                continue
            }
            parts.append(record.position)
            let count = records.count == 1 ? Self.splitCount(events: record.events, bytes: record.bytes, limits) : record.events
            if count < record.events {
                let head = batch.removeFirst(count)
                let headBytes = min(record.bytes, head.estimatedBytes)
                remainder = DiskBufferRemainder(
                    position: record.position, batch: batch, events: record.events - count, bytes: record.bytes - headBytes)
                batches.append(head)
                events += count
                bytes += headBytes
            } else {
                batches.append(batch)
                events += record.events
                bytes += record.bytes
            }
        }

        let (token, target) = state.withLock { state -> (UInt64?, UInt64?) in
            state.readsInProgress -= 1
            for record in corrupt {
                if let index = state.index(of: record.position) { state.markDone(at: index) }
            }
            if let remainder {
                state.handedOut(remainder.position, remainder: true, additionalPart: false)
                state.remainders.append(remainder)
            }
            let token = parts.isEmpty ? nil : state.issue(parts)
            stats.set(events: state.liveEvents, bytes: state.logBytes)
            return (token, corrupt.isEmpty || state.logClosing ? nil : state.popDonePrefix())
        }
        if !corrupt.isEmpty {
            stats.dropped.add(corrupt.reduce(0) { $0 + max(1, $1.events) }, Self.droppedCorrupt)
            roomFreed.notifyAll()
        }
        if let target { acknowledgeOnQueue(through: target) }
        // Wakes readers waiting on this read (a remainder to take, or the end of a drain).
        dataArrived.notifyAll()
        guard let token else {
            closeLogIfDrained()
            return nil
        }
        return BufferedBatch(batches: batches, events: events, bytes: bytes, receipt: .disk(token))
    }

    /// On the I/O queue only: the payloads of `positions`, which are `span` consecutive
    /// records in the log. A corrupt frame fails the whole read, so then each record is
    /// read alone and the bad ones are left out.
    func readNow(_ positions: [UInt64], span: Int) -> Result<[UInt64: [UInt8]], DiskLogError> {
        guard let first = positions.first else { return .success([:]) }
        let wanted = Set(positions)
        var payloads: [UInt64: [UInt8]] = [:]
        do throws(DiskLogError) {
            for (position, bytes) in try log.read(from: first, maxRecords: span, maxBytes: Self.unlimitedReadBytes) where wanted.contains(position) {
                payloads[position] = bytes
            }
            return .success(payloads)
        } catch {
            guard case .corrupt = error else {
                record(error)
                return .failure(error)
            }
        }
        for position in positions {
            do throws(DiskLogError) {
                if let (found, bytes) = try log.read(from: position, maxRecords: 1, maxBytes: Self.unlimitedReadBytes).first, found == position {
                    payloads[position] = bytes
                }
            } catch {
                guard case .corrupt = error else {
                    record(error)
                    return .failure(error)
                }
            }
        }
        return .success(payloads)
    }

    /// The next piece of the oldest remainder: all of it if it fits, else a split.
    private func takeRemainder(_ limits: BatchLimits, from state: inout DiskBufferState) -> BufferedBatch {
        let remainder = state.remainders[state.remainders.startIndex]
        let count = Self.splitCount(events: remainder.events, bytes: remainder.bytes, limits)
        if count < remainder.events {
            var rest = remainder.batch
            let head = rest.removeFirst(count)
            let headBytes = min(remainder.bytes, head.estimatedBytes)
            state.remainders[state.remainders.startIndex] = DiskBufferRemainder(
                position: remainder.position, batch: rest, events: remainder.events - count, bytes: remainder.bytes - headBytes)
            state.handedOut(remainder.position, remainder: true, additionalPart: true)
            let token = state.issue([remainder.position])
            return BufferedBatch(batches: [head], events: count, bytes: headBytes, receipt: .disk(token))
        }
        state.remainders.removeFirst()
        state.handedOut(remainder.position, remainder: false, additionalPart: true)
        let token = state.issue([remainder.position])
        return BufferedBatch(batches: [remainder.batch], events: remainder.events, bytes: remainder.bytes, receipt: .disk(token))
    }

    /// How many events of a record of this size go in one batch: by events, and in
    /// proportion to bytes when bytes are the tighter limit (as `MemoryBuffer` splits).
    static func splitCount(events: Int, bytes: Int, _ limits: BatchLimits) -> Int {
        var count = min(events, limits.maxEvents)
        if bytes > limits.maxBytes {
            let (product, overflow) = events.multipliedReportingOverflow(by: limits.maxBytes)
            count = min(count, overflow ? events : max(1, product / bytes))
        }
        return count
    }
}
