/// Standard base64 with padding (RFC 4648 §4): how the proto3 JSON mapping, and so
/// OTLP/JSON, writes `bytes` values.
enum Base64 {
    static func appendQuoted(_ bytes: [UInt8], to out: inout [UInt8]) {
        let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        out.append(UInt8(ascii: "\""))
        alphabet.withUTF8Buffer { table in
            var index = 0
            while index + 3 <= bytes.count {
                let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
                out.append(table[Int(group >> 18 & 0x3F)])
                out.append(table[Int(group >> 12 & 0x3F)])
                out.append(table[Int(group >> 6 & 0x3F)])
                out.append(table[Int(group & 0x3F)])
                index += 3
            }
            let remaining = bytes.count - index
            guard remaining > 0 else { return }
            let group = UInt32(bytes[index]) << 16 | (remaining == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
            out.append(table[Int(group >> 18 & 0x3F)])
            out.append(table[Int(group >> 12 & 0x3F)])
            out.append(remaining == 2 ? table[Int(group >> 6 & 0x3F)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        out.append(UInt8(ascii: "\""))
    }
}
