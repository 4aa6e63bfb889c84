/// Names as `partial_success` reasons quote them: a metric, span or attribute name is
/// whatever the sender chose, up to megabytes, and a reason only has to point at it.
enum OTLPReasonText {
    /// Bytes of a name a reason quotes; longer names are cut (at a character boundary) and
    /// marked with `…`.
    static let maxNameBytes = 128

    /// `"name"`, or `"first 128 bytes…"`.
    static func quote(_ name: String) -> String {
        "\"" + truncate(name) + "\""
    }

    static func truncate(_ name: String) -> String {
        let utf8 = name.utf8
        guard utf8.count > maxNameBytes else { return name }
        // One byte past the limit tells whether the cut falls inside a character: back off
        // over continuation bytes (10xxxxxx) to the start of that character.
        let head = Array(utf8.prefix(maxNameBytes + 1))
        var cut = maxNameBytes
        while cut > 0, head[cut] & 0xC0 == 0x80 { cut -= 1 }
        return String(decoding: head[..<cut], as: UTF8.self) + "…"
    }
}
