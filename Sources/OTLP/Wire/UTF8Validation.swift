/// Whether bytes are well-formed UTF-8 per the Unicode Standard's table of well-formed
/// byte sequences (no overlongs, no surrogates, nothing above U+10FFFF): what
/// `String(validating:as:)` accepts, answered without building the string. A log body is
/// written as an OTLP string when it is valid, as bytes otherwise.
enum UTF8Validation {
    static func isValid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer(isValid)
    }

    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var index = 0
        while index < count {
            // Most bodies are ASCII: eight bytes at a time while no high bit is set.
            if index + 8 <= count,
               UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index += 8
                continue
            }
            let lead = base[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            // The range the second byte must fall in depends on the lead; the rest are 80...BF.
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            let length: Int
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return false
            }
            guard count - index >= length, base[index + 1] >= low, base[index + 1] <= high else { return false }
            var next = index + 2
            while next < index + length {
                guard base[next] & 0xC0 == 0x80 else { return false }
                next += 1
            }
            index += length
        }
        return true
    }
}
