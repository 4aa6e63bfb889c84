/// The request's correlation id, carried on its telemetry as attribute `correlation_id`.
public enum CorrelationID {
    public static let attributeKey = "correlation_id"
    /// Longer ids are refused, not cut: a truncated id would correlate with nothing.
    public static let maxLength = 256

    /// `X-Correlation-ID`, else `X-Request-ID`; each trimmed of spaces and tabs and used only
    /// when non-empty, at most `maxLength` bytes and printable ASCII (no header injection
    /// into logs).
    public static func attribute(correlationID: String?, requestID: String?) -> AttributeValue? {
        for candidate in [correlationID, requestID] {
            if let candidate, let value = clean(candidate) { return .string(value) }
        }
        return nil
    }

    static func clean(_ text: String) -> String? {
        var bytes = text.utf8[...]
        while let first = bytes.first, first == 0x20 || first == 0x09 { bytes = bytes.dropFirst() }
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes = bytes.dropLast() }
        guard !bytes.isEmpty, bytes.count <= maxLength, bytes.allSatisfy({ (0x20...0x7e).contains($0) }) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
