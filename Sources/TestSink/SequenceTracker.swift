/// What the sink saw of one stream's sequence numbers.
public struct SequenceReport: Sendable, Equatable, CustomStringConvertible {
    /// Sequenced lines received (duplicates included).
    public var received = 0
    /// Distinct sequence numbers received.
    public var unique = 0
    /// Lines whose sequence number had already been received.
    public var duplicates = 0
    /// Sequence numbers between the lowest and the highest seen that never arrived.
    public var missing = 0
    /// Lines that arrived after a higher sequence number of their stream (first copies only).
    public var outOfOrder = 0
    /// Lines more than `SequenceTracker.window` below the highest seen: too old to tell a
    /// duplicate from a late arrival, counted here only (and still counted in `missing`).
    public var lateBeyondWindow = 0
    public var lowest: UInt64?
    public var highest: UInt64?

    public init() {}

    /// No loss, no duplicate, nothing late.
    public var isClean: Bool { duplicates == 0 && missing == 0 && lateBeyondWindow == 0 }

    public var description: String {
        "received \(received) unique \(unique) duplicates \(duplicates) missing \(missing) outOfOrder \(outOfOrder)"
            + " lateBeyondWindow \(lateBeyondWindow) range \(lowest.map(String.init) ?? "-")...\(highest.map(String.init) ?? "-")"
    }

    mutating func add(_ other: SequenceReport) {
        received += other.received
        unique += other.unique
        duplicates += other.duplicates
        missing += other.missing
        outOfOrder += other.outOfOrder
        lateBeyondWindow += other.lateBeyondWindow
    }
}

/// One stream's sequence state in bounded memory: a ring bitset of the last `window`
/// sequence numbers below the highest seen (8 KiB), plus counters. Numbers that slide out
/// of the window unseen are counted missing for good; one arriving later than that is
/// counted in `lateBeyondWindow`.
struct SequenceTracker {
    static let window: UInt64 = 1 << 16
    private static let words = Int(window / 64)

    private var bits: [UInt64] = []
    private var lowest: UInt64 = 0
    private var highest: UInt64 = 0
    private var started = false
    /// Set bits in the window (seen numbers in `[windowLow, highest]`).
    private var inWindow = 0
    private var slidOutMissing = 0
    private var received = 0
    private var duplicates = 0
    private var outOfOrder = 0
    private var late = 0

    mutating func record(_ sequence: UInt64) {
        received += 1
        if !started {
            started = true
            bits = [UInt64](repeating: 0, count: Self.words)
            lowest = sequence
            highest = sequence
            set(sequence)
            return
        }
        if sequence > highest {
            advance(to: sequence)
            set(sequence)
        } else if highest - sequence >= Self.window {
            late += 1
        } else if isSet(sequence) {
            duplicates += 1
        } else {
            outOfOrder += 1
            if sequence < lowest { lowest = sequence }
            set(sequence)
        }
    }

    var report: SequenceReport {
        var report = SequenceReport()
        guard started else { return report }
        report.received = received
        report.duplicates = duplicates
        report.outOfOrder = outOfOrder
        report.lateBeyondWindow = late
        report.lowest = lowest
        report.highest = highest
        report.missing = slidOutMissing + Int(highest - windowLow + 1) - inWindow
        report.unique = received - duplicates - late
        return report
    }

    /// The lowest number the window covers (never below `lowest`).
    private var windowLow: UInt64 {
        let low = highest >= Self.window - 1 ? highest - (Self.window - 1) : 0
        return max(low, lowest)
    }

    @inline(__always)
    private func isSet(_ sequence: UInt64) -> Bool {
        let bit = sequence % Self.window
        return bits[Int(bit >> 6)] & (1 << (bit & 63)) != 0
    }

    @inline(__always)
    private mutating func set(_ sequence: UInt64) {
        let bit = sequence % Self.window
        bits[Int(bit >> 6)] |= 1 << (bit & 63)
        inWindow += 1
    }

    /// Moves the window up so that `sequence` is its top, retiring what falls out.
    private mutating func advance(to sequence: UInt64) {
        let oldLow = windowLow
        if sequence - highest >= Self.window {
            // Everything in the old window leaves, and whatever lay between it and the new one.
            slidOutMissing += Int(highest - oldLow + 1) - inWindow
            let newLow = sequence - (Self.window - 1)
            slidOutMissing += Int(newLow - highest - 1)
            for index in bits.indices { bits[index] = 0 }
            inWindow = 0
        } else {
            var next = highest + 1
            while next <= sequence {
                // `next` takes the slot of `next - window`, which leaves the window.
                if next >= Self.window, next - Self.window >= oldLow {
                    if isSet(next - Self.window) { inWindow -= 1 } else { slidOutMissing += 1 }
                }
                let bit = next % Self.window
                bits[Int(bit >> 6)] &= ~(1 << (bit & 63))
                next += 1
            }
        }
        highest = sequence
    }
}
