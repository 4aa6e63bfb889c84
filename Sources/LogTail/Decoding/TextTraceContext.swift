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
    public static func find(in bytes: UnsafeRawBufferPointer) -> TextTraceContext? {
        var found = TextTraceContext()
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "0"), index + 55 <= count, !isWordByte(before: index, in: bytes),
                let parent = traceparent(bytes, index)
            {
                return parent
            }
            let lowered = byte | 0x20
            if lowered == UInt8(ascii: "t") || lowered == UInt8(ascii: "s"), !isWordByte(before: index, in: bytes) {
                if let (isTrace, valueStart) = key(bytes, index) {
                    if isTrace, found.traceID == nil, valueStart + 32 <= count, !isHexByte(at: valueStart + 32, in: bytes),
                        let id = TraceID(hexBytes: UnsafeRawBufferPointer(rebasing: bytes[valueStart..<(valueStart + 32)])), id.isValid
                    {
                        found.traceID = id
                    } else if !isTrace, found.spanID == nil, valueStart + 16 <= count, !isHexByte(at: valueStart + 16, in: bytes),
                        let id = SpanID(hexBytes: UnsafeRawBufferPointer(rebasing: bytes[valueStart..<(valueStart + 16)])), id.isValid
                    {
                        found.spanID = id
                    }
                    index = valueStart
                    continue
                }
            }
            index += 1
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

    /// Matches `trace_id`, `trace-id`, `traceid`, `span_id`, … then `=` or `:`, an optional
    /// quote; returns which key and where the value starts.
    private static func key(_ bytes: UnsafeRawBufferPointer, _ start: Int) -> (Bool, Int)? {
        let isTrace = bytes[start] | 0x20 == UInt8(ascii: "t")
        let word: StaticString = isTrace ? "trace" : "span"
        var index = start
        for offset in 0..<word.utf8CodeUnitCount {
            guard index < bytes.count, bytes[index] | 0x20 == word.utf8Start[offset] else { return nil }
            index += 1
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "_") || bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index + 3 <= bytes.count, bytes[index] | 0x20 == UInt8(ascii: "i"), bytes[index + 1] | 0x20 == UInt8(ascii: "d"),
            bytes[index + 2] == UInt8(ascii: "=") || bytes[index + 2] == UInt8(ascii: ":")
        else { return nil }
        index += 3
        if index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") { index += 1 }
        return (isTrace, index)
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
