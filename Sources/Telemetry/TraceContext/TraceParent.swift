/// W3C Trace Context Level 1 `traceparent` (§3.2): `version-traceid-parentid-flags`.
public enum TraceParent {
    /// nil when the header is invalid; the caller then starts a new trace (spec §3.2.2).
    /// Versions above 00 (not ff) are read by the forward-compatibility rule (§4.3): the first
    /// 55 characters as version 00, followed by the end or a `-` and whatever a later
    /// version appends.
    public static func parse(_ header: String) -> TraceContext? {
        let bytes = Array(header.utf8)
        guard bytes.count >= 55, let version = LowercaseHex.parse(bytes[0..<2]), version != 0xff else { return nil }
        if version == 0 {
            guard bytes.count == 55 else { return nil }
        } else if bytes.count > 55 {
            guard bytes[55] == UInt8(ascii: "-") else { return nil }
        }
        let dash = UInt8(ascii: "-")
        guard bytes[2] == dash, bytes[35] == dash, bytes[52] == dash,
              let traceID = LowercaseHex.traceID(bytes[3..<35]), traceID.isValid,
              let span = LowercaseHex.parse(bytes[36..<52]), span != 0,
              let flags = LowercaseHex.parse(bytes[53..<55])
        else { return nil }
        return TraceContext(traceID: traceID, spanID: SpanID(span), flags: UInt8(flags))
    }

    /// Always version 00, the only version this side can vouch for.
    public static func format(_ context: TraceContext) -> String {
        var out: [UInt8] = Array("00-".utf8)
        out.reserveCapacity(55)
        HexDigit.append(context.traceID.high, to: &out)
        HexDigit.append(context.traceID.low, to: &out)
        out.append(UInt8(ascii: "-"))
        HexDigit.append(context.spanID.value, to: &out)
        out.append(UInt8(ascii: "-"))
        out.append(HexDigit.lowercase(context.flags >> 4))
        out.append(HexDigit.lowercase(context.flags & 0x0f))
        return String(decoding: out, as: UTF8.self)
    }
}
