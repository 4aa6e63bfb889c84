import Telemetry

/// Trace context found in a plain-text log line: a W3C traceparent
/// (`00-<32 hex>-<16 hex>-<2 hex>`, anywhere in the line) or `trace_id=<32 hex>` and
/// `span_id=<16 hex>` tokens (also `traceid`, `trace-id`, `:` instead of `=`, any case,
/// an optional quote before the value). A traceparent wins over separate tokens.
public struct TextTraceContext: Sendable, Hashable {
    public var traceID: TraceID?
    public var spanID: SpanID?
    /// W3C trace flags; only a traceparent carries them.
    public var flags: UInt8

    public init(traceID: TraceID? = nil, spanID: SpanID? = nil, flags: UInt8 = 0) {
        self.traceID = traceID
        self.spanID = spanID
        self.flags = flags
    }

    /// Nil when the line names no valid (non-zero) trace id.
    ///
    /// Runs on every text line, so it looks eight bytes at a time for the only two places a
    /// match can start — a `0` followed by `-` (a traceparent's `00-`) and a `d` or `D`
    /// followed by `=` or `:` (the end of `…id=`) — and checks the bytes around each one.
    /// Most lines have none.
    public static func find(in bytes: UnsafeRawBufferPointer) -> TextTraceContext? {
        guard let base = bytes.baseAddress, bytes.count >= 20 else { return nil }
        let count = bytes.count
        var found = TextTraceContext()
        var index = 0
        while true {
            // The line's last bytes: one more word ending at the line's end, overlapping what
            // was scanned (those positions are masked off), instead of a byte-by-byte tail.
            let last = index + 9 > count
            var skipped = 0
            if last {
                guard index + 1 < count else { break }
                skipped = index - (count - 9)
                index = count - 9
            }
            let word = ByteWord.load(base, index)
            let next = ByteWord.load(base, index + 1)
            let lower = ByteWord.lowercased(word)
            // Eight bytes per step: a cheap test for a `d` or a `-` at all (most words have
            // neither), then the exact two-byte patterns only where one is.
            let maybeKey = ByteWord.has(UInt8(ascii: "d"), in: lower)
            let maybeParent = ByteWord.has(UInt8(ascii: "-"), in: next)
            var candidates: UInt64 = 0
            if maybeKey {
                let separator = ByteWord.matches(UInt8(ascii: "="), in: next) | ByteWord.matches(UInt8(ascii: ":"), in: next)
                candidates |= ByteWord.matches(UInt8(ascii: "d"), in: lower) & separator
            }
            if maybeParent {
                candidates |= ByteWord.matches(UInt8(ascii: "0"), in: word) & ByteWord.matches(UInt8(ascii: "-"), in: next)
            }
            candidates &= ~0 << UInt64(skipped * 8)
            while candidates != 0 {
                let position = index + candidates.trailingZeroBitCount / 8
                candidates &= candidates &- 1
                if bytes[position] == UInt8(ascii: "0") {
                    // A traceparent wins over separate tokens wherever they are.
                    let start = position - 1
                    if start >= 0, start + 55 <= count, bytes[start] == UInt8(ascii: "0"), !isWordByte(before: start, in: bytes),
                        let parent = traceparent(bytes, start)
                    {
                        return parent
                    }
                    continue
                }
                guard let (isTrace, valueStart) = key(endingAt: position + 1, in: bytes) else { continue }
                if isTrace, found.traceID == nil, valueStart + 32 <= count, !isHexByte(at: valueStart + 32, in: bytes),
                    let id = TraceID(hexBytes: UnsafeRawBufferPointer(rebasing: bytes[valueStart..<(valueStart + 32)])), id.isValid
                {
                    found.traceID = id
                } else if !isTrace, found.spanID == nil, valueStart + 16 <= count, !isHexByte(at: valueStart + 16, in: bytes),
                    let id = SpanID(hexBytes: UnsafeRawBufferPointer(rebasing: bytes[valueStart..<(valueStart + 16)])), id.isValid
                {
                    found.spanID = id
                }
            }
            if last { break }
            index += 8
        }
        return found.traceID == nil ? nil : found
    }

    public static func find(in bytes: [UInt8]) -> TextTraceContext? {
        bytes.withUnsafeBytes { find(in: $0) }
    }

    private static func traceparent(_ bytes: UnsafeRawBufferPointer, _ start: Int) -> TextTraceContext? {
        guard bytes[start + 1] == UInt8(ascii: "0"), bytes[start + 2] == UInt8(ascii: "-"),
            bytes[start + 35] == UInt8(ascii: "-"), bytes[start + 52] == UInt8(ascii: "-"),
            !isHexByte(at: start + 55, in: bytes),
            let traceID = TraceID(hexBytes: UnsafeRawBufferPointer(rebasing: bytes[(start + 3)..<(start + 35)])), traceID.isValid,
            let spanID = SpanID(hexBytes: UnsafeRawBufferPointer(rebasing: bytes[(start + 36)..<(start + 52)])), spanID.isValid,
            let flags = hexByte(bytes[start + 53], bytes[start + 54])
        else { return nil }
        return TextTraceContext(traceID: traceID, spanID: spanID, flags: flags)
    }

    /// Matches `trace_id`, `trace-id`, `traceid`, `span_id`, … (any case, a word of its own)
    /// ending just before the `=` or `:` at `separator`; returns which key and where the
    /// value starts (after an optional quote).
    private static func key(endingAt separator: Int, in bytes: UnsafeRawBufferPointer) -> (Bool, Int)? {
        var index = separator - 2
        guard index >= 4, bytes[index] | 0x20 == UInt8(ascii: "i"), bytes[index + 1] | 0x20 == UInt8(ascii: "d") else { return nil }
        if bytes[index - 1] == UInt8(ascii: "_") || bytes[index - 1] == UInt8(ascii: "-") { index -= 1 }
        let isTrace: Bool
        if matches("trace", endingAt: index, in: bytes) {
            isTrace = true
            index -= 5
        } else if matches("span", endingAt: index, in: bytes) {
            isTrace = false
            index -= 4
        } else {
            return nil
        }
        guard !isWordByte(before: index, in: bytes) else { return nil }
        var value = separator + 1
        if value < bytes.count, bytes[value] == UInt8(ascii: "\"") || bytes[value] == UInt8(ascii: "'") { value += 1 }
        return (isTrace, value)
    }

    /// `word` (lowercase ASCII) in any case just before `end`.
    private static func matches(_ word: StaticString, endingAt end: Int, in bytes: UnsafeRawBufferPointer) -> Bool {
        let length = word.utf8CodeUnitCount
        guard end >= length else { return false }
        for offset in 0..<length where bytes[end - length + offset] | 0x20 != word.utf8Start[offset] {
            return false
        }
        return true
    }

    private static func isWordByte(before index: Int, in bytes: UnsafeRawBufferPointer) -> Bool {
        guard index > 0 else { return false }
        let byte = bytes[index - 1]
        return isHex(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_")
    }

    private static func isHexByte(at index: Int, in bytes: UnsafeRawBufferPointer) -> Bool {
        index < bytes.count && isHex(bytes[index])
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        JSONObjectScanner.isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
    }

    private static func hexByte(_ high: UInt8, _ low: UInt8) -> UInt8? {
        func nibble(_ byte: UInt8) -> UInt8? {
            if JSONObjectScanner.isDigit(byte) { return byte - UInt8(ascii: "0") }
            let lowered = byte | 0x20
            if lowered >= UInt8(ascii: "a") && lowered <= UInt8(ascii: "f") { return lowered - UInt8(ascii: "a") + 10 }
            return nil
        }
        guard let high = nibble(high), let low = nibble(low) else { return nil }
        return high << 4 | low
    }
}
