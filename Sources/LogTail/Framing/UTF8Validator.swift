import Telemetry

/// UTF-8 validation and repair on raw bytes (the validation itself is Telemetry's
/// `UTF8Sequence`, shared with the OTLP and JSON code).
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
    @inline(__always)
    public static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        UTF8Sequence.isValid(bytes.assumingMemoryBound(to: UInt8.self))
    }

    /// Append `bytes` to `output` with every maximal invalid subpart replaced by U+FFFD;
    /// returns how many replacements were made.
    @discardableResult
    public static func repair(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8]) -> Int {
        let typed = bytes.assumingMemoryBound(to: UInt8.self)
        let count = bytes.count
        var replacements = 0
        var validStart = 0
        var index = 0
        while index < count {
            if typed[index] < 0x80 {
                index += 1
                continue
            }
            let length = UTF8Sequence.length(in: typed, at: index)
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
}
