/// Iterates the whitespace-separated fields of one line without allocating an array, which
/// matters for lines such as `intr` in /proc/stat that carry hundreds of numbers.
struct FieldCursor {
    private let line: ArraySlice<UInt8>
    private var index: Int

    init(_ line: ArraySlice<UInt8>) {
        self.line = line
        self.index = line.startIndex
    }

    mutating func next() -> ArraySlice<UInt8>? {
        while index < line.endIndex, ByteScanner.isSpace(line[index]) { index += 1 }
        let start = index
        while index < line.endIndex, !ByteScanner.isSpace(line[index]) { index += 1 }
        return index > start ? line[start..<index] : nil
    }

    /// The remaining fields, counted without consuming them.
    func remainingCount() -> Int {
        var copy = self
        var count = 0
        while copy.next() != nil { count += 1 }
        return count
    }
}
