import DequeModule
import Synchronization
import Telemetry

/// Which batch of which file an acknowledgement is for.
public struct ReadTicket: Sendable, Hashable {
    public let reader: UInt64
    public let generation: UInt32
    public let sequence: UInt64
}

/// The source's read positions as far as the pipeline has acknowledged them, and the
/// checkpoint file they are saved to.
///
/// The tailer registers every batch it hands out (`issue`), in file order; the pipeline
/// acknowledges them in any order, from any task (`acknowledge`). A file's committed offset
/// is the end of the longest acknowledged prefix of its batches, so a batch that was never
/// accepted (shutdown while waiting for room) holds every later one back: after a crash or
/// restart the file is re-read from there — duplicates bounded by the unacknowledged window,
/// never a gap. Stored entries of files not open now stay until pruned by retention.
public final class CheckpointBook: Sendable {
    private struct Reader {
        var fingerprint: Fingerprint
        var path: String
        var generation: UInt32
        var committed: UInt64
        var nextSequence: UInt64 = 0
        /// Issued, not yet committed batches in order: their end offsets and whether acknowledged.
        var inFlight: Deque<(sequence: UInt64, end: UInt64, done: Bool)> = []
        /// Released by the tailer: forgotten once its last batches are acknowledged.
        var closing = false
    }

    private struct State {
        var store: CheckpointStore?
        var readers: [UInt64: Reader] = [:]
        /// Readers whose window moved to another (`transfer`): their tickets count there.
        var aliases: [UInt64: UInt64] = [:]
        var dirty = false
    }

    private let state: Mutex<State>
    private let now: @Sendable () -> Timestamp

    /// `store`: nil keeps positions in memory only (no `checkpoint_dir`).
    public init(store: CheckpointStore?, now: @escaping @Sendable () -> Timestamp = WallClock.system.now) {
        state = Mutex(State(store: store))
        self.now = now
    }

    /// The stored offset of the file `observation` describes, if a checkpoint has it: matched
    /// by fingerprint, a provisional one by dev+inode and content (`FileIdentity.sameContent`),
    /// else by content alone when the stored file itself is nowhere to be seen (`isObserved`
    /// false: no observed file has its dev+inode *and* content): a copy made by copytruncate
    /// while the agent was down resumes where the original stopped. (The original's inode is
    /// still there after copytruncate, truncated: by inode alone the copy would be read from
    /// 0 again.) No reader may be open on the entry already.
    public func storedOffset(
        for observation: FileObservation, isObserved: (_ stored: Fingerprint) -> Bool
    ) -> (fingerprint: Fingerprint, offset: UInt64)? {
        state.withLock { state in
            guard let store = state.store else { return nil }
            let open = Set(state.readers.values.map(\.fingerprint))
            let current = observation.fingerprint
            if let entry = store[current], !open.contains(current) { return (current, entry.offset) }
            for (fingerprint, entry) in store.entries
            where !open.contains(fingerprint) && fingerprint.device == current.device && fingerprint.inode == current.inode
                && FileIdentity.sameContent(stored: fingerprint, current: current, prefix: observation.prefix)
            {
                return (fingerprint, entry.offset)
            }
            guard current.isStable else { return nil }
            for (fingerprint, entry) in store.entries
            where !open.contains(fingerprint) && fingerprint.isStable && fingerprint.checksum == current.checksum
                && fingerprint.length == current.length && !isObserved(fingerprint)
            {
                return (fingerprint, entry.offset)
            }
            return nil
        }
    }

    /// A stored provisional fingerprint (a file that was short) with this dev+inode, not open:
    /// the caller checksums as many first bytes of the file now there (`FileObservation.prefix`)
    /// so `storedOffset` can tell "the short file grew" from "another file in that inode".
    public func storedProvisional(device: UInt64, inode: UInt64) -> Fingerprint? {
        state.withLock { state in
            guard let store = state.store else { return nil }
            let open = Set(state.readers.values.map(\.fingerprint))
            return store.entries.keys.first {
                !$0.isStable && $0.device == device && $0.inode == inode && !open.contains($0)
            }
        }
    }

    /// A reader starts (or restarts after truncation) at `offset`.
    public func open(reader: UInt64, generation: UInt32, fingerprint: Fingerprint, replacing stored: Fingerprint? = nil, path: String, offset: UInt64) {
        state.withLock { state in
            let stamp = now()
            if let stored, stored != fingerprint { state.store?.rekey(from: stored, to: fingerprint) }
            state.readers[reader] = Reader(fingerprint: fingerprint, path: path, generation: generation, committed: offset)
            state.store?.update(fingerprint, path: path, offset: offset, now: stamp)
            state.dirty = true
        }
    }

    /// The file was renamed, or its provisional fingerprint became a full one.
    public func moved(reader: UInt64, fingerprint: Fingerprint, path: String) {
        state.withLock { state in
            guard var r = state.readers[reader] else { return }
            if r.fingerprint != fingerprint { state.store?.rekey(from: r.fingerprint, to: fingerprint) }
            r.fingerprint = fingerprint
            r.path = path
            state.readers[reader] = r
            state.store?.touch(fingerprint, path: path, now: now())
            state.dirty = true
        }
    }

    /// Registers a batch ending at file offset `end`; acknowledge it with the ticket.
    public func issue(reader: UInt64, end: UInt64) -> ReadTicket {
        state.withLock { state in
            guard var r = state.readers[reader] else { return ReadTicket(reader: reader, generation: .max, sequence: 0) }
            let ticket = ReadTicket(reader: reader, generation: r.generation, sequence: r.nextSequence)
            r.nextSequence += 1
            r.inFlight.append((ticket.sequence, end, false))
            state.readers[reader] = r
            return ticket
        }
    }

    /// Content truncated in place lives on in its copy (copytruncate): the copy takes over
    /// the old reader's committed offset and its batches still in flight, whose offsets are the
    /// same in the copy. So a crash re-reads the copy from where delivery was, not from where
    /// reading was. False when `old` is unknown (then `open` the copy).
    @discardableResult
    public func transfer(from old: UInt64, to new: UInt64, fingerprint: Fingerprint, path: String) -> Bool {
        state.withLock { state in
            guard var r = state.readers.removeValue(forKey: old) else { return false }
            if r.fingerprint != fingerprint { state.store?.rekey(from: r.fingerprint, to: fingerprint) }
            r.fingerprint = fingerprint
            r.path = path
            r.closing = false
            state.readers[new] = r
            state.aliases[old] = new
            for (from, to) in state.aliases where to == old { state.aliases[from] = new }
            state.store?.update(fingerprint, path: path, offset: r.committed, now: now())
            state.dirty = true
            return true
        }
    }

    /// The batch is delivered, durably buffered, or counted as dropped.
    public func acknowledge(_ ticket: ReadTicket) {
        state.withLock { state in
            let id = state.readers[ticket.reader] != nil ? ticket.reader : state.aliases[ticket.reader] ?? ticket.reader
            let ticket = ReadTicket(reader: id, generation: ticket.generation, sequence: ticket.sequence)
            guard var r = state.readers[ticket.reader], r.generation == ticket.generation,
                let first = r.inFlight.first, ticket.sequence >= first.sequence
            else { return }
            let index = Int(ticket.sequence - first.sequence)
            guard index < r.inFlight.count else { return }
            r.inFlight[index].done = true
            var advanced = false
            while let head = r.inFlight.first, head.done {
                r.committed = max(r.committed, head.end)
                r.inFlight.removeFirst()
                advanced = true
            }
            state.readers[ticket.reader] = r
            if advanced {
                state.store?.update(r.fingerprint, path: r.path, offset: r.committed, now: now())
                state.dirty = true
            }
            if r.closing && r.inFlight.isEmpty { Self.forget(ticket.reader, in: &state) }
        }
    }

    /// The reader is done with the file (released after rotation or deletion): its entry
    /// stays in the store until retention prunes it, so a restart does not read it again.
    public func close(reader: UInt64) {
        state.withLock { state in
            guard var r = state.readers[reader] else { return }
            state.store?.touch(r.fingerprint, path: r.path, now: now())
            if r.inFlight.isEmpty {
                Self.forget(reader, in: &state)
            } else {
                r.closing = true
                state.readers[reader] = r
            }
        }
    }

    private static func forget(_ reader: UInt64, in state: inout State) {
        state.readers[reader] = nil
        state.aliases = state.aliases.filter { $0.value != reader && $0.key != reader }
    }

    /// The committed offset of a reader (tests, /status).
    public func committed(reader: UInt64) -> UInt64? {
        state.withLock { $0.readers[reader]?.committed }
    }

    /// Marks every open file as seen (so retention prunes only files gone for that long),
    /// prunes, and writes the checkpoint file if anything changed. Nil without a store.
    @discardableResult
    public func save(retention: Duration, force: Bool = false) throws(CheckpointSaveError) -> Int? {
        let snapshot: CheckpointStore? = state.withLock { state in
            guard var store = state.store else { return nil }
            let stamp = now()
            for r in state.readers.values { store.touch(r.fingerprint, path: r.path, now: stamp) }
            let pruned = store.prune(olderThan: retention, now: stamp)
            state.store = store
            guard state.dirty || force || !pruned.isEmpty else { return nil }
            state.dirty = false
            return store
        }
        guard let snapshot else { return nil }
        do {
            try snapshot.save(now: now())
        } catch {
            state.withLock { $0.dirty = true }
            throw error
        }
        return snapshot.entries.count
    }
}
