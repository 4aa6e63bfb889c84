/// Accounts for the records a disk buffer finds when it opens: their event counts and
/// sizes come from each record's header, so /metrics shows the backlog at once after a
/// restart without decoding every batch.
enum DiskBufferScan {
    /// Reads from the first unacknowledged position to the end. Records that cannot be
    /// read or whose header is garbage come back as `.done` (never delivered) and counted.
    static func run(_ log: DiskLog) throws(DiskLogError) -> (records: [DiskBufferRecord], corrupt: Int) {
        let state = log.state
        var next = state.acknowledged + 1
        var records: [DiskBufferRecord] = []
        var corrupt = 0
        while next < state.nextPosition {
            let chunk: [(position: UInt64, bytes: [UInt8])]
            do throws(DiskLogError) {
                chunk = try log.read(from: next, maxRecords: 1024, maxBytes: 4 << 20)
            } catch {
                guard case .corrupt = error else { throw error }
                // Media damage since the log's own recovery: find the bad record alone.
                do throws(DiskLogError) {
                    chunk = try log.read(from: next, maxRecords: 1, maxBytes: DiskBuffer.unlimitedReadBytes)
                } catch {
                    guard let position = corruptPosition(error, reading: next) else { throw error }
                    records.append(DiskBufferRecord(position: position, events: 0, bytes: 0, appended: nil, signal: nil, phase: .done))
                    corrupt += 1
                    next = position + 1
                    continue
                }
            }
            guard let last = chunk.last else { break }
            for (position, bytes) in chunk {
                if let record = record(position: position, bytes: bytes) {
                    records.append(record)
                } else {
                    records.append(DiskBufferRecord(position: position, events: 0, bytes: 0, appended: nil, signal: nil, phase: .done))
                    corrupt += 1
                }
            }
            next = last.position + 1
        }
        return (records, corrupt)
    }

    static func record(position: UInt64, bytes: [UInt8]) -> DiskBufferRecord? {
        // A header claiming more events than bytes is garbage (every event takes bytes);
        // the size is clamped so forged values cannot overflow the buffer's totals.
        guard let header = try? BatchCodec.header(bytes), header.events > 0, header.events <= bytes.count else { return nil }
        return DiskBufferRecord(
            position: position, events: header.events, bytes: min(header.estimatedBytes, 1 << 40), appended: nil,
            signal: header.signal, phase: .unread)
    }

    /// Which position a one-record read from `position` failed on: the first one on disk at
    /// or after it, which is in the segment the error names (positions may skip between
    /// segments where the log lost records). Nil when the error is not corruption.
    static func corruptPosition(_ error: DiskLogError, reading position: UInt64) -> UInt64? {
        guard case let .corrupt(path, _, _) = error else { return nil }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return max(position, Segment.basePosition(fileName: name) ?? position)
    }
}
