import DequeModule
import Telemetry

/// The disk buffer's bookkeeping, kept under its one mutex: every unacknowledged record in
/// position order, which of them are out for delivery, and the running totals. Nothing
/// here does I/O; the buffer turns the acknowledgement targets it returns into log calls.
struct DiskBufferState {
    /// Every record appended (or replayed) and not yet acknowledged in the log.
    var records = Deque<DiskBufferRecord>()
    /// No `.unread` record sits before this index (a hint: records after it may be taken).
    var unreadHint = 0
    var unreadEvents = 0
    var unreadBytes = 0
    /// Events of records not yet done: what `stats.events` and `maxEvents` count.
    var liveEvents = 0
    var remainders = Deque<DiskBufferRemainder>()
    /// Delivery batches out, by token: the positions of the pieces each holds.
    var receipts: [UInt64: [UInt64]] = [:]
    var nextToken: UInt64 = 1
    /// Records taken but still being read and decoded by a `nextBatch` call.
    var readsInProgress = 0
    /// The log's bytes on disk (a snapshot after each log call, so `stats` and `hasRoom`
    /// never wait behind an fsync).
    var logBytes = 0
    /// When an append last found no room; cleared once an acknowledgement frees space or
    /// an append succeeds.
    var diskFullSince: ContinuousClock.Instant?
    var closed = false
    /// The log is being (or has been) closed: nothing more is read or acknowledged.
    var logClosing = false
    /// The highest position asked to be acknowledged.
    var acknowledgeRequested: UInt64 = 0
    var lastError: DiskLogError?

    var isDrained: Bool {
        firstUnreadIndex == nil && remainders.isEmpty && readsInProgress == 0 && receipts.isEmpty
    }

    /// Binary search: positions are increasing (with gaps where the log lost records).
    func index(of position: UInt64) -> Int? {
        var low = records.startIndex
        var high = records.endIndex
        while low < high {
            let middle = low + (high - low) / 2
            if records[middle].position < position { low = middle + 1 } else { high = middle }
        }
        return low < records.endIndex && records[low].position == position ? low : nil
    }

    var firstUnreadIndex: Int? {
        var index = unreadHint
        while index < records.endIndex {
            if records[index].phase == .unread { return index }
            index += 1
        }
        return nil
    }

    mutating func add(_ record: DiskBufferRecord) {
        records.append(record)
        switch record.phase {
        case .unread:
            unreadEvents += record.events
            unreadBytes += record.bytes
            liveEvents += record.events
        case .out:
            liveEvents += record.events
        case .done:
            break
        }
    }

    /// Takes unread records for one delivery batch: whole records of one signal while they
    /// fit the limits, or one record alone when it is larger (the caller splits it once
    /// decoded).
    mutating func claim(_ limits: BatchLimits) -> [DiskBufferRecord] {
        guard var index = firstUnreadIndex else { return [] }
        unreadHint = index
        var positions: [DiskBufferRecord] = []
        var events = 0
        var bytes = 0
        while index < records.endIndex {
            let record = records[index]
            if record.phase == .unread {
                if !positions.isEmpty
                    && (events + record.events > limits.maxEvents || bytes + record.bytes > limits.maxBytes
                        || record.signal != positions[0].signal)
                {
                    break
                }
                positions.append(record)
                events += record.events
                bytes += record.bytes
                records[index].phase = .out(parts: 1, remainder: false)
                unreadEvents -= record.events
                unreadBytes -= record.bytes
                if events >= limits.maxEvents || bytes >= limits.maxBytes { break }
            }
            index += 1
        }
        readsInProgress += 1
        return positions
    }

    /// Puts taken records back (a read failed for a reason other than corruption).
    mutating func unclaim(_ positions: [UInt64]) {
        for position in positions {
            guard let index = index(of: position), case .out = records[index].phase else { continue }
            records[index].phase = .unread
            unreadEvents += records[index].events
            unreadBytes += records[index].bytes
            unreadHint = min(unreadHint, index)
        }
    }

    /// `drop_oldest`: the oldest record not yet taken for delivery, marked done. Returns
    /// its events, or nil when there is none (records out for delivery cannot be dropped).
    /// With `atFront`, only when nothing before it is still out: the log frees space from
    /// its front only, so dropping a record behind one in flight frees nothing now.
    mutating func evictOldestUnread(atFront: Bool) -> Int? {
        guard let index = firstUnreadIndex else { return nil }
        if atFront && records[records.startIndex..<index].contains(where: { $0.phase != .done }) { return nil }
        let events = records[index].events
        markDone(at: index)
        return events
    }

    /// Registers a delivery batch holding pieces of `positions`; its receipt's token.
    mutating func issue(_ positions: [UInt64]) -> UInt64 {
        let token = nextToken
        nextToken &+= 1
        receipts[token] = positions
        return token
    }

    mutating func markDone(at index: Int) {
        let record = records[index]
        switch record.phase {
        case .done:
            return
        case .unread:
            unreadEvents -= record.events
            unreadBytes -= record.bytes
        case .out:
            break
        }
        liveEvents -= record.events
        records[index].phase = .done
    }

    /// One piece of a taken record was handed out; `remainder` says whether more wait.
    mutating func handedOut(_ position: UInt64, remainder: Bool, additionalPart: Bool) {
        guard let index = index(of: position), case let .out(parts, _) = records[index].phase else { return }
        records[index].phase = .out(parts: parts + (additionalPart ? 1 : 0), remainder: remainder)
    }

    /// One delivery batch's piece of `position` completed.
    mutating func completePart(_ position: UInt64) {
        guard let index = index(of: position), case let .out(parts, remainder) = records[index].phase else { return }
        if parts <= 1 && !remainder {
            markDone(at: index)
        } else {
            records[index].phase = .out(parts: max(0, parts - 1), remainder: remainder)
        }
    }

    /// Drops the done records at the front and returns the position the log may now be
    /// acknowledged through, if it moved: only a contiguous prefix is ever acknowledged,
    /// however out of order batches complete.
    mutating func popDonePrefix() -> UInt64? {
        var target: UInt64?
        while let first = records.first, first.phase == .done {
            records.removeFirst()
            target = first.position
            if unreadHint > 0 { unreadHint -= 1 }
        }
        guard let target, target > acknowledgeRequested else { return nil }
        acknowledgeRequested = target
        return target
    }
}
