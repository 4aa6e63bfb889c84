/// UTF-8 validation and repair on raw bytes.
///
/// Log files are almost always ASCII or valid UTF-8, so validation is built to make that case
/// nearly free: a whole batch is checked at once, eight bytes per step while they are ASCII,
/// and only a batch that fails is rebuilt line by line. Repair replaces each maximal invalid
/// subpart with U+FFFD, the Unicode Standard's recommended practice (§3.9, also WHATWG's and
/// Swift's `String(decoding:as:)`), so the result matches what every other tool shows.
public enum UTF8Validator {
    /// U+FFFD REPLACEMENT CHARACTER in UTF-8.
    public static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// Whether `bytes` is entirely well-formed UTF-8.
    public static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var index = 0
        while index < count {
            // Skip ASCII 32 then 8 bytes at a time; most chunks never leave these branches.
            if index + 32 <= count,
                (base.loadUnaligned(fromByteOffset: index, as: UInt64.self) | base.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self)
                    | base.loadUnaligned(fromByteOffset: index + 16, as: UInt64.self)
                    | base.loadUnaligned(fromByteOffset: index + 24, as: UInt64.self)) & 0x8080_8080_8080_8080 == 0
            {
                index += 32
                continue
            }
            if index + 8 <= count, base.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index += 8
                continue
            }
            if base.load(fromByteOffset: index, as: UInt8.self) < 0x80 {
                index += 1
                continue
            }
            let length = sequenceLength(base, count, at: index)
            if length <= 0 { return false }
            index += length
        }
        return true
    }

    /// Append `bytes` to `output` with every maximal invalid subpart replaced by U+FFFD;
    /// returns how many replacements were made.
    @discardableResult
    public static func repair(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8]) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let count = bytes.count
        var replacements = 0
        var validStart = 0
        var index = 0
        while index < count {
            if base.load(fromByteOffset: index, as: UInt8.self) < 0x80 {
                index += 1
                continue
            }
            let length = sequenceLength(base, count, at: index)
            if length > 0 {
                index += length
                continue
            }
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[validStart..<index]))
            output.append(contentsOf: replacement)
            replacements += 1
            index += -length
            validStart = index
        }
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[validStart..<count]))
        return replacements
    }

    /// `bytes` repaired into a new array, with the number of replacements.
    public static func repaired(_ bytes: some Collection<UInt8>) -> (bytes: [UInt8], replacements: Int) {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        let input = Array(bytes)
        let replacements = input.withUnsafeBytes { repair($0, into: &output) }
        return (output, replacements)
    }

    /// Length of the well-formed sequence whose lead byte (≥ 0x80) is at `start`, or minus the
    /// length of its maximal invalid subpart — the bytes one U+FFFD replaces.
    @inline(__always)
    static func sequenceLength(_ base: UnsafeRawPointer, _ count: Int, at start: Int) -> Int {
        let length: Int
        // Only the second byte's range depends on the lead (this is what rules out overlongs,
        // surrogates and code points above U+10FFFF); the rest are 80...BF.
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch base.load(fromByteOffset: start, as: UInt8.self) {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return -1  // continuation byte, C0, C1, F5...FF
        }
        var index = start + 1
        while index < start + length {
            guard index < count else { return start - index }
            let byte = base.load(fromByteOffset: index, as: UInt8.self)
            guard byte >= low, byte <= high else { return start - index }
            low = 0x80
            high = 0xBF
            index += 1
        }
        return length
    }
}
