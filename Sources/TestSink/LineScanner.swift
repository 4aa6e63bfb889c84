/// Splits a body into lines as it streams in, without keeping it: newline-delimited lines
/// (NDJSON, text, any opaque content), or the elements of a top-level JSON array
/// (`application/json` bodies starting with `[`). Each line's sequence number and stream
/// go to a `SequenceBatch`, committed when the request is accepted.
///
/// Only a line that spans two chunks is copied, and only its first `maxKeptLineBytes`
/// (64 KiB): sequence and stream fields must appear in that prefix.
struct LineScanner {
    enum Framing {
        /// Newline-delimited.
        case lines
        /// JSON: an array's elements if the body starts with `[`, else newline-delimited.
        case json
    }

    static let maxKeptLineBytes = 64 * 1024

    private enum Mode {
        case lines
        case detect
        case array
    }

    private(set) var lines = 0
    private(set) var bytes = 0
    var batch = SequenceBatch()
    private let extractor: SequenceExtractor
    private var mode = Mode.lines
    private var carry: [UInt8] = []
    private var carrying = false

    // Array state.
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var inElement = false
    private var arrayDone = false

    init(extractor: SequenceExtractor) {
        self.extractor = extractor
    }

    mutating func reset(framing: Framing) {
        lines = 0
        bytes = 0
        batch.reset()
        mode = framing == .json ? .detect : .lines
        carry.removeAll(keepingCapacity: carry.capacity <= 4 * Self.maxKeptLineBytes)
        carrying = false
        depth = 0
        inString = false
        escaped = false
        inElement = false
        arrayDone = false
    }

    mutating func feed(_ chunk: UnsafeRawBufferPointer) {
        bytes += chunk.count
        var start = 0
        if mode == .detect {
            while start < chunk.count, LineFields.isSpace(chunk[start]) { start += 1 }
            guard start < chunk.count else { return }
            if chunk[start] == UInt8(ascii: "[") {
                mode = .array
                start += 1
            } else {
                mode = .lines
            }
        }
        if mode == .array {
            feedArray(chunk, from: start)
        } else {
            feedLines(chunk, from: start)
        }
    }

    /// One line framed by the request's own format (a Loki entry): counted as is, even
    /// when blank or holding newlines.
    mutating func addFramed(_ line: UnsafeRawBufferPointer) {
        lines += 1
        batch.add(line: line, extractor: extractor)
    }

    /// Body bytes of a request whose lines come through `addFramed`.
    mutating func addBytes(_ count: Int) {
        bytes += count
    }

    /// Ends the body: a last line without a newline still counts.
    mutating func finish() {
        if carrying {
            if mode == .lines { endLine(with: nil) } else if inElement { endElement(with: nil) }
        }
    }

    // MARK: Newline-delimited

    private mutating func feedLines(_ chunk: UnsafeRawBufferPointer, from: Int) {
        var start = from
        while let newline = chunk[start...].firstIndex(of: UInt8(ascii: "\n")) {
            endLine(with: UnsafeRawBufferPointer(rebasing: chunk[start..<newline]))
            start = newline + 1
        }
        if start < chunk.count { keep(UnsafeRawBufferPointer(rebasing: chunk[start...])) }
    }

    /// `piece`: the line's bytes in this chunk (appended to what is carried, if any).
    private mutating func endLine(with piece: UnsafeRawBufferPointer?) {
        if carrying {
            if let piece { keep(piece) }
            carry.withUnsafeBytes { countLine($0) }
            carry.removeAll(keepingCapacity: true)
            carrying = false
        } else if let piece {
            countLine(piece)
        }
    }

    private mutating func countLine(_ line: UnsafeRawBufferPointer) {
        // Blank lines (a trailing "\n\n", "\r\n" endings) are not lines.
        guard line.contains(where: { !LineFields.isSpace($0) }) else { return }
        lines += 1
        batch.add(line: line, extractor: extractor)
    }

    private mutating func keep(_ piece: UnsafeRawBufferPointer) {
        carrying = true
        let room = Self.maxKeptLineBytes - carry.count
        if room > 0 { carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: piece[0..<min(room, piece.count)])) }
    }

    // MARK: JSON array

    private mutating func feedArray(_ chunk: UnsafeRawBufferPointer, from: Int) {
        var index = from
        var elementStart = from
        let count = chunk.count
        while index < count {
            let byte = chunk[index]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                index += 1
                continue
            }
            if arrayDone {
                // Concatenated arrays: a next `[` starts over; anything else is ignored.
                if byte == UInt8(ascii: "[") { arrayDone = false }
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                startElement(at: index, start: &elementStart)
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                startElement(at: index, start: &elementStart)
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if depth == 0 {
                    if inElement { endElement(with: UnsafeRawBufferPointer(rebasing: chunk[elementStart..<index])) }
                    arrayDone = true
                } else {
                    depth -= 1
                }
            case UInt8(ascii: ","):
                if depth == 0, inElement { endElement(with: UnsafeRawBufferPointer(rebasing: chunk[elementStart..<index])) }
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                break
            default:
                startElement(at: index, start: &elementStart)
            }
            index += 1
        }
        if inElement { keep(UnsafeRawBufferPointer(rebasing: chunk[elementStart...])) }
    }

    @inline(__always)
    private mutating func startElement(at index: Int, start: inout Int) {
        if !inElement {
            inElement = true
            start = index
        }
    }

    private mutating func endElement(with piece: UnsafeRawBufferPointer?) {
        inElement = false
        if carrying {
            if let piece { keep(piece) }
            carry.withUnsafeBytes { countElement($0) }
            carry.removeAll(keepingCapacity: true)
            carrying = false
        } else if let piece {
            countElement(piece)
        }
    }

    private mutating func countElement(_ element: UnsafeRawBufferPointer) {
        lines += 1
        batch.add(line: element, extractor: extractor)
    }
}

/// The sequence numbers seen in one request, by stream, waiting for the request to be
/// accepted (a rejected or cut request must not count). Stream keys are interned per
/// connection: a line of the same stream as the previous one costs a byte comparison.
/// Memory: 16 bytes per sequenced line of the request in flight (bounded by its body).
struct SequenceBatch {
    static let defaultStream: [UInt8] = Array("default".utf8)
    /// More distinct streams than this in one request: the rest go untracked.
    static let maxKeys = 4096

    private(set) var keys: [[UInt8]] = [SequenceBatch.defaultStream]
    private(set) var streamOfEntry: [UInt32] = []
    private(set) var sequenceOfEntry: [UInt64] = []
    private(set) var unsequenced = 0
    private(set) var untracked = 0
    private var lastKey = 0

    mutating func reset() {
        streamOfEntry.removeAll(keepingCapacity: streamOfEntry.capacity <= 1 << 16)
        sequenceOfEntry.removeAll(keepingCapacity: sequenceOfEntry.capacity <= 1 << 16)
        unsequenced = 0
        untracked = 0
        if keys.count > 64 {
            keys.removeSubrange(1...)
            lastKey = 0
        }
    }

    var isEmpty: Bool { sequenceOfEntry.isEmpty }

    mutating func add(line: UnsafeRawBufferPointer, extractor: SequenceExtractor) {
        guard let sequence = extractor.sequence(line) else {
            unsequenced += 1
            return
        }
        let key: Int
        if let range = extractor.stream(line) {
            let name = UnsafeRawBufferPointer(rebasing: line[range])
            if let found = find(name) {
                key = found
            } else if keys.count < Self.maxKeys {
                keys.append(Array(name))
                key = keys.count - 1
            } else {
                untracked += 1
                return
            }
        } else {
            key = 0
        }
        lastKey = key
        streamOfEntry.append(UInt32(key))
        sequenceOfEntry.append(sequence)
    }

    private func find(_ name: UnsafeRawBufferPointer) -> Int? {
        if equal(keys[lastKey], name) { return lastKey }
        for index in keys.indices where equal(keys[index], name) { return index }
        return nil
    }

    @inline(__always)
    private func equal(_ key: [UInt8], _ name: UnsafeRawBufferPointer) -> Bool {
        key.count == name.count && key.withUnsafeBytes { $0.elementsEqual(name) }
    }
}
