/// Walks the frames of one segment file from a given offset, reading the file in large
/// windows so a replay or a batch read costs a few preads, not one per record.
struct SegmentFrameReader {
    enum Outcome {
        /// A complete frame; `payload` is nil unless asked for.
        case record(length: Int, payload: [UInt8]?)
        /// Clean end of the valid bytes.
        case end
        /// The frame does not fit in the file: a write cut short by a crash.
        case torn(String)
        /// A complete frame that is not what was written (checksum or length is wrong).
        case corrupt(String)
    }

    let fd: Int32
    let path: String
    /// The file offset where the segment's bytes end.
    let end: Int
    let maxPayload: Int
    let windowBytes: Int
    /// The offset of the next frame.
    private(set) var offset: Int
    private var window: [UInt8] = []
    private var windowStart = 0

    init(fd: Int32, path: String, from offset: Int, end: Int, maxPayload: Int, windowBytes: Int = 1 << 20) {
        self.fd = fd
        self.path = path
        self.offset = offset
        self.end = end
        self.maxPayload = maxPayload
        self.windowBytes = windowBytes
    }

    mutating func next(verify: Bool, copyPayload: Bool) throws(DiskLogError) -> Outcome {
        let remaining = end - offset
        if remaining == 0 { return .end }
        if remaining < SegmentFrame.headerSize {
            return .torn("\(remaining) bytes left, less than a frame header")
        }
        try load(offset, count: SegmentFrame.headerSize)
        let start = offset - windowStart
        let length = Int(LittleEndianBytes.uint32(window, at: start))
        let stored = LittleEndianBytes.uint32(window, at: start + 4)
        if length > maxPayload {
            // A length no append could have written: damage, not a torn write.
            return .corrupt("frame length \(length) exceeds the record limit \(maxPayload)")
        }
        let frameSize = SegmentFrame.size(ofPayload: length)
        if frameSize > remaining {
            return .torn("frame of \(frameSize) bytes overruns the end by \(frameSize - remaining) bytes")
        }
        try load(offset, count: frameSize)
        let payloadStart = offset - windowStart + SegmentFrame.headerSize
        if verify {
            let computed = window.withUnsafeBytes { buffer in
                SegmentFrame.checksum(
                    length: UInt32(length),
                    payload: UnsafeRawBufferPointer(rebasing: buffer[payloadStart..<payloadStart + length]))
            }
            if computed != stored {
                return .corrupt("checksum mismatch in a frame of \(length) bytes")
            }
        }
        let payload = copyPayload ? Array(window[payloadStart..<payloadStart + length]) : nil
        offset += frameSize
        return .record(length: length, payload: payload)
    }

    /// Makes `window` cover `from ..< from + count`, rereading from `from` when it does not.
    private mutating func load(_ from: Int, count: Int) throws(DiskLogError) {
        if from >= windowStart && from + count <= windowStart + window.count { return }
        let wanted = min(max(count, windowBytes), end - from)
        window = try DiskLogFiles.read(fd, count: wanted, at: from, path: path)
        windowStart = from
        if window.count < count {
            // The file is shorter than its tracked size: someone else truncated it.
            throw .corrupt(path: path, offset: from + window.count, reason: "unexpected end of file")
        }
    }
}
